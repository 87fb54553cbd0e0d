import * as tf from '@tensorflow/tfjs';
import type { NamedArray } from '../engine/types';

export async function saveOptimizerState(optimizer: tf.Optimizer): Promise<NamedArray[]> {
  const weights = await optimizer.getWeights();
  const out = await Promise.all(
    weights.map(async ({ name, tensor }) => ({ name, shape: [...tensor.shape], data: new Float32Array(await tensor.data()) })),
  );
  tf.dispose(weights.map((w) => w.tensor));
  return out;
}

export async function loadOptimizerState(optimizer: tf.Optimizer, state: readonly NamedArray[]): Promise<void> {
  const weights = state.map(({ name, shape, data }) => ({ name, tensor: tf.tensor(data, [...shape]) }));
  // Adam copies each value into a new variable and keeps none of these tensors.
  await optimizer.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor));
}
