// Moving a run-time tensor between the two layouts, and slicing with steps (with gradients on
// every backend: TF.js has no gradient for StridedSlice, so a step is a reshape and a slice).
import * as tf from '@tensorflow/tfjs';
import { TO_LOGICAL } from './context';
import type { ValueMeta } from './types';

/** The tensor of a value in its logical (ONNX) layout; a cheap reshape when H·W or C is 1. */
export function asLogical(t: tf.Tensor, m: ValueMeta): tf.Tensor {
  if (m.layout !== 'nhwc' || t.rank !== 4) return t;
  const [n, h, w, c] = t.shape;
  if ((h === 1 && w === 1) || c === 1) return tf.reshape(t, [n, c, h, w]);
  return tf.transpose(t, TO_LOGICAL);
}

/** x[first : first + n·step : step] along `axis` (step ≥ 1). */
export function stepSlice(x: tf.Tensor, axis: number, first: number, step: number, n: number): tf.Tensor {
  const begin = x.shape.map((_, k) => (k === axis ? first : 0));
  if (step === 1) return tf.slice(x, begin, x.shape.map((d, k) => (k === axis ? n : d)));
  // Take n·step elements (padding the end when the axis is short), view them as [n, step], keep column 0.
  const avail = x.shape[axis] - first;
  let part = tf.slice(x, begin, x.shape.map((d, k) => (k === axis ? Math.min(avail, n * step) : d)));
  if (avail < n * step) part = tf.pad(part, x.shape.map((_, k) => (k === axis ? [0, n * step - avail] : [0, 0])) as [number, number][]);
  const shape = [...part.shape.slice(0, axis), n, step, ...part.shape.slice(axis + 1)];
  const cols = tf.reshape(part, shape);
  const one = tf.slice(cols, shape.map(() => 0), shape.map((d, k) => (k === axis + 1 ? 1 : d)));
  return tf.reshape(one, shape.filter((_, k) => k !== axis + 1));
}
