// Masks of the fixed preview scenes, as transferable Float32Arrays for the page's heatmaps.
import * as tf from '@tensorflow/tfjs';
import { imagesTensor } from '../data/batches';
import type { Scene } from '../data/scenes';
import { receptiveMasks } from '../maskd/index';
import type { ReceptiveTokens } from '../maskd/tokens';
import type { TokenWeightBranch } from '../maskd/tokenWeights';
import type { Task } from '../models/nets';
import type { MaskSnapshot, Stage } from '../engine/progress';

/** Stage 2 with MasKD: the student's side of the snapshot (its masks under the same tokens). */
export interface StudentView {
  /** The student up to the tap layer. */
  readonly backbone: tf.LayersModel;
  /** The align module (student feature → teacher feature's shape). */
  readonly align: tf.LayersModel;
  /** Whether the custom mask is in use at this step. */
  readonly customMask: boolean;
}

export interface SnapshotExtras {
  /** Adds the previews' ground truth: label maps for segmentation, boxes for detection. */
  readonly task?: Task;
  readonly student?: StudentView;
}

/** The previews' ground truth in the task's own form. */
export function groundTruth(previews: readonly Scene[], task: Task): Pick<MaskSnapshot, 'labels' | 'boxes'> {
  if (task === 'detection') return { boxes: previews.map((s) => s.boxes.map(({ x0, y0, x1, y1, cls }) => ({ x0, y0, x1, y1, cls }))) };
  const n = previews[0] ? previews[0].labels.length : 0;
  const labels = new Uint8Array(previews.length * n);
  previews.forEach((s, i) => labels.set(s.labels, i * n));
  return { labels };
}

export async function maskSnapshot(
  backbone: tf.LayersModel,
  tokens: ReceptiveTokens,
  branch: TokenWeightBranch | null,
  previews: readonly Scene[],
  step: number,
  stage: Stage,
  extras: SnapshotExtras = {},
): Promise<MaskSnapshot> {
  const images = imagesTensor(previews);
  const student = extras.student;
  const { masks, weights, studentMasks } = tf.tidy(() => {
    const feature = backbone.apply(images, { training: false }) as tf.Tensor4D;
    let sm: tf.Tensor4D | undefined;
    if (student) {
      const sf = student.backbone.apply(images, { training: false }) as tf.Tensor4D;
      sm = receptiveMasks(student.align.apply(sf, { training: false }) as tf.Tensor4D, tokens.tensor);
    }
    return { masks: receptiveMasks(feature, tokens.tensor), weights: branch ? branch.apply(feature) : undefined, studentMasks: sm };
  });
  try {
    const [img, m, w, sm] = await Promise.all([
      images.data(),
      masks.data(),
      weights ? weights.data() : Promise.resolve(null),
      studentMasks ? studentMasks.data() : Promise.resolve(null),
    ]);
    return {
      step,
      stage,
      previews: previews.length,
      imageSize: [images.shape[1], images.shape[2]],
      maskSize: [masks.shape[1], masks.shape[2]],
      numTokens: tokens.numTokens,
      images: new Float32Array(img),
      masks: new Float32Array(m),
      tokenWeights: w ? new Float32Array(w) : undefined,
      ...(sm && student ? { studentMasks: new Float32Array(sm), customMask: student.customMask } : {}),
      ...(extras.task ? groundTruth(previews, extras.task) : {}),
    };
  } finally {
    tf.dispose([images, masks, ...(weights ? [weights] : []), ...(studentMasks ? [studentMasks] : [])]);
  }
}

