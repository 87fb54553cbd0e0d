import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { adamPower, loadOptimizerState, saveOptimizerState } from './optimizerState';

describe('optimizer state', () => {
  beforeAll(() => useWasmBackend());

  const loss = (v: tf.Variable) => () => tf.sum(tf.square(tf.sub(v, tf.tensor1d([3, -1])))) as tf.Scalar;

  // Split after 2 and 5 steps: there tfjs's own setWeights (pow(0.999, 3) and pow(0.999, 6)) is an ulp off the products.
  it.each([2, 3, 5])('resuming Adam after %i of 8 steps continues bit for bit like an uninterrupted run', async (split) => {
    const a = tf.variable(tf.tensor1d([0, 0]), true);
    const optA = tf.train.adam(0.1);
    for (let i = 0; i < 8; i++) optA.minimize(loss(a));

    const b = tf.variable(tf.tensor1d([0, 0]), true);
    const optB = tf.train.adam(0.1);
    for (let i = 0; i < split; i++) optB.minimize(loss(b));
    const state = await saveOptimizerState(optB);
    expect(state.length).toBe(3); // iterations + first and second moments
    const optC = tf.train.adam(0.1);
    const before = tf.memory().numTensors;
    await loadOptimizerState(optC, state);
    expect(tf.memory().numTensors - before).toBe(2); // the two moment variables, nothing else
    for (let i = split; i < 8; i++) optC.minimize(loss(b));

    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([a, b]);
    [optA, optB, optC].forEach((o) => o.dispose());
  });

  it('β^(t+1) is t float32 products, as Adam accumulates it', () => {
    const f32 = (x: number) => new Float32Array([x])[0];
    expect(adamPower(0.9, 0)).toBe(f32(0.9));
    const b = f32(0.999);
    expect(adamPower(0.999, 2)).toBe(f32(f32(b * b) * b));
    // …which is not float32 pow at t = 3: 0.99700307846 against 0.99700301886.
    expect(adamPower(0.999, 2)).not.toBe(f32(Math.pow(0.999, 3)));
    expect(adamPower(0.999, 2)).toBeCloseTo(0.9970030784606934, 12);
  });
});
