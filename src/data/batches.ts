// Scenes → tensors. Arrays are packed first, so each call creates exactly the returned tensors.
import * as tf from '@tensorflow/tfjs';
import { encodeCenterNet, type CenterNetOptions } from './centernet';
import type { DigitPool } from './digits';
import { generateScenes, type Scene, type SceneConfig } from './scenes';

export interface SegmentationBatch {
  /** [N, H, W, 3] float32 in [0, 1]. */
  readonly images: tf.Tensor4D;
  /** [N, H, W] int32, 0 = background, 1..10 = digit 0..9. */
  readonly labels: tf.Tensor3D;
}

export interface DetectionBatch {
  readonly images: tf.Tensor4D;
  /** [N, H/s, W/s, 10] centre heatmaps. */
  readonly heatmap: tf.Tensor4D;
  /** [N, H/s, W/s, 2] (w, h) / stride. */
  readonly size: tf.Tensor4D;
  /** [N, H/s, W/s, 2] sub-cell centre offsets. */
  readonly offset: tf.Tensor4D;
  /** [N, H/s, W/s, 1] 1 at centre cells. */
  readonly mask: tf.Tensor4D;
}

function checkSameSize(scenes: readonly Scene[]): [number, number] {
  if (scenes.length === 0) throw new Error('batch: no scenes');
  const { height, width } = scenes[0];
  for (const s of scenes) {
    if (s.height !== height || s.width !== width) throw new Error('batch: scenes differ in size');
  }
  return [height, width];
}

export function imagesTensor(scenes: readonly Scene[]): tf.Tensor4D {
  const [h, w] = checkSameSize(scenes);
  const data = new Float32Array(scenes.length * h * w * 3);
  scenes.forEach((s, i) => data.set(s.image, i * h * w * 3));
  return tf.tensor4d(data, [scenes.length, h, w, 3], 'float32');
}

export function segmentationBatch(scenes: readonly Scene[]): SegmentationBatch {
  const [h, w] = checkSameSize(scenes);
  const labels = new Int32Array(scenes.length * h * w);
  scenes.forEach((s, i) => labels.set(s.labels, i * h * w));
  return { images: imagesTensor(scenes), labels: tf.tensor3d(labels, [scenes.length, h, w], 'int32') };
}

export function detectionBatch(scenes: readonly Scene[], options: Partial<CenterNetOptions> = {}): DetectionBatch {
  const [h, w] = checkSameSize(scenes);
  const targets = scenes.map((s) => encodeCenterNet(s.boxes, h, w, options));
  const { gridH, gridW, numClasses } = targets[0];
  const cells = gridH * gridW;
  const heat = new Float32Array(scenes.length * cells * numClasses);
  const size = new Float32Array(scenes.length * cells * 2);
  const offset = new Float32Array(scenes.length * cells * 2);
  const mask = new Float32Array(scenes.length * cells);
  targets.forEach((t, i) => {
    heat.set(t.heatmap, i * cells * numClasses);
    size.set(t.size, i * cells * 2);
    offset.set(t.offset, i * cells * 2);
    mask.set(t.mask, i * cells);
  });
  const n = scenes.length;
  return {
    images: imagesTensor(scenes),
    heatmap: tf.tensor4d(heat, [n, gridH, gridW, numClasses]),
    size: tf.tensor4d(size, [n, gridH, gridW, 2]),
    offset: tf.tensor4d(offset, [n, gridH, gridW, 2]),
    mask: tf.tensor4d(mask, [n, gridH, gridW, 1]),
  };
}

/** Batch `step` of a seeded stream: scenes [step·n, (step+1)·n), so a run can resume at any step. */
export function sceneBatch(
  pool: DigitPool,
  seed: number,
  step: number,
  batchSize: number,
  config: Partial<SceneConfig> = {},
): Scene[] {
  return generateScenes(pool, seed, step * batchSize, batchSize, config);
}

export function disposeBatch(batch: SegmentationBatch | DetectionBatch): void {
  tf.dispose(Object.values(batch) as tf.Tensor[]);
}
