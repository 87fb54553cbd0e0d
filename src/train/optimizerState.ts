import * as tf from '@tensorflow/tfjs';
import type { NamedArray } from '../engine/artifacts';

export async function saveOptimizerState(optimizer: tf.Optimizer): Promise<NamedArray[]> {
  const weights = await optimizer.getWeights();
  const out = await Promise.all(
    weights.map(async ({ name, tensor }) => ({ name, shape: [...tensor.shape], data: new Float32Array(await tensor.data()) })),
  );
  tf.dispose(weights.map((w) => w.tensor));
  return out;
}

/** The fields of tfjs's Adam that hold β₁ᵗ and β₂ᵗ (not in its public API). */
interface AdamPowers {
  beta1: number;
  beta2: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/**
 * β^(t+1) as a run of Adam reaches it: t float32 products, one per step. (Math.fround of the
 * double product of two float32 values is IEEE float32 multiplication.) tfjs's setWeights
 * assigns pow(β, t + 1), which is an ulp off at some t (β₂ = 0.999: t = 3, 6, …), so a resumed
 * run would drift from the uninterrupted one.
 */
export function adamPower(beta: number, iterations: number): number {
  const b = Math.fround(beta);
  let acc = b;
  for (let i = 0; i < iterations; i++) acc = Math.fround(acc * b);
  return acc;
}

export async function loadOptimizerState(optimizer: tf.Optimizer, state: readonly NamedArray[]): Promise<void> {
  const weights = state.map(({ name, shape, data }) => ({ name, tensor: tf.tensor(data, [...shape]) }));
  // Adam copies each value into a new variable and keeps none of these tensors.
  await optimizer.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor));
  // By class name: tfjs's optimisers answer instanceof for any optimiser class (Symbol.hasInstance).
  if (optimizer.getClassName() === 'Adam') {
    const adam = optimizer as unknown as AdamPowers;
    const t = optimizer.iterations;
    tf.tidy(() => {
      adam.accBeta1.assign(tf.scalar(adamPower(adam.beta1, t)));
      adam.accBeta2.assign(tf.scalar(adamPower(adam.beta2, t)));
    });
  }
}
