import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { loadOptimizerState, saveOptimizerState } from './optimizerState';

describe('optimizer state', () => {
  beforeAll(() => useWasmBackend());

  it('resuming from saved Adam state continues exactly like an uninterrupted run', async () => {
    const loss = (v: tf.Variable) => () => tf.sum(tf.square(tf.sub(v, tf.tensor1d([3, -1])))) as tf.Scalar;
    const a = tf.variable(tf.tensor1d([0, 0]), true, 'resume_a');
    const optA = tf.train.adam(0.1);
    for (let i = 0; i < 6; i++) optA.minimize(loss(a));

    const b = tf.variable(tf.tensor1d([0, 0]), true, 'resume_b');
    const optB = tf.train.adam(0.1);
    for (let i = 0; i < 3; i++) optB.minimize(loss(b));
    const state = await saveOptimizerState(optB);
    expect(state.length).toBe(3); // iterations + first and second moments
    const optC = tf.train.adam(0.1);
    const before = tf.memory().numTensors;
    await loadOptimizerState(optC, state);
    expect(tf.memory().numTensors - before).toBe(2); // the two moment variables, nothing else
    for (let i = 0; i < 3; i++) optC.minimize(loss(b));

    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([a, b]);
    [optA, optB, optC].forEach((o) => o.dispose());
  });
});
