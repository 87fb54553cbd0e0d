// Masks of the fixed preview scenes, as transferable Float32Arrays for the page's heatmaps.
import * as tf from '@tensorflow/tfjs';
import { imagesTensor } from '../data/batches';
import type { Scene } from '../data/scenes';
import { receptiveMasks } from '../maskd/index';
import type { ReceptiveTokens } from '../maskd/tokens';
import type { TokenWeightBranch } from '../maskd/tokenWeights';
import type { MaskSnapshot, Stage } from './protocol';

export async function maskSnapshot(
  backbone: tf.LayersModel,
  tokens: ReceptiveTokens,
  branch: TokenWeightBranch | null,
  previews: readonly Scene[],
  step: number,
  stage: Stage,
): Promise<MaskSnapshot> {
  const images = imagesTensor(previews);
  const { masks, weights } = tf.tidy(() => {
    const feature = backbone.apply(images, { training: false }) as tf.Tensor4D;
    return { masks: receptiveMasks(feature, tokens.tensor), weights: branch ? branch.apply(feature) : undefined };
  });
  try {
    const [img, m, w] = await Promise.all([images.data(), masks.data(), weights ? weights.data() : Promise.resolve(null)]);
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
    };
  } finally {
    tf.dispose([images, masks, ...(weights ? [weights] : [])]);
  }
}

/** The buffers to transfer with a snapshot message. */
export function snapshotTransfer(s: MaskSnapshot): ArrayBuffer[] {
  return [s.images.buffer, s.masks.buffer, ...(s.tokenWeights ? [s.tokenWeights.buffer] : [])] as ArrayBuffer[];
}
