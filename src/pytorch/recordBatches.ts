// The page's global batches as arrays for train.py: images [S,B,H,W,3] and the task's targets,
// NHWC as the page builds them (src/data/batches.ts), with first_step, the 0-based step of the first.
import type * as tf from '@tensorflow/tfjs';
import { detectionBatch, disposeBatch, segmentationBatch } from '../data/batches';
import type { Scene } from '../data/scenes';
import type { Task } from '../models/nets';
import type { SafetensorsTensor } from '../share/safetensors';

type Arrays = Record<string, { shape: number[]; parts: (Float32Array | Int32Array)[] }>;

function add(into: Arrays, key: string, t: tf.Tensor): void {
  const entry = (into[key] ??= { shape: t.shape, parts: [] });
  entry.parts.push(t.dataSync() as Float32Array | Int32Array);
}

/** Batches of steps [first, first + count) from `scenes(step)`, stacked along a new first axis. */
export function recordBatches(task: Task, numClasses: number, scenes: (step: number) => readonly Scene[], first: number, count: number): Record<string, SafetensorsTensor> {
  const arrays: Arrays = {};
  for (let step = first; step < first + count; step++) {
    const list = scenes(step);
    if (task === 'segmentation') {
      const b = segmentationBatch(list);
      add(arrays, 'images', b.images);
      add(arrays, 'labels', b.labels);
      disposeBatch(b);
    } else {
      const b = detectionBatch(list, { numClasses });
      for (const key of ['images', 'heatmap', 'size', 'offset', 'mask'] as const) add(arrays, key, b[key]);
      disposeBatch(b);
    }
  }
  const out: Record<string, SafetensorsTensor> = { first_step: { dtype: 'I64', shape: [], data: BigInt64Array.from([BigInt(first)]) } };
  for (const [key, { shape, parts }] of Object.entries(arrays)) {
    const size = parts[0].length;
    const ints = parts[0] instanceof Int32Array;
    const data = ints ? new Int32Array(size * parts.length) : new Float32Array(size * parts.length);
    parts.forEach((p, i) => data.set(p, i * size));
    out[key] = { dtype: ints ? 'I32' : 'F32', shape: [parts.length, ...shape], data };
  }
  return out;
}
