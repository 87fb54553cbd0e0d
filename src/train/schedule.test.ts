import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cosineLr, setLearningRate, warmupCosineLr } from './schedule';

describe('cosine schedule', () => {
  it('starts at the base, halves at mid-way and ends at the floor', () => {
    expect(cosineLr(0.01, 0, 100)).toBeCloseTo(0.01, 12);
    expect(cosineLr(0.01, 50, 100)).toBeCloseTo(0.005, 12);
    expect(cosineLr(0.01, 100, 100)).toBeCloseTo(0, 12);
    expect(cosineLr(0.01, 100, 100, 0.1)).toBeCloseTo(0.001, 12);
    expect(cosineLr(0.01, 250, 100)).toBeCloseTo(0, 12);
  });

  it('warms up linearly, then decays by cosine over the remaining steps', () => {
    expect(warmupCosineLr(0.01, 0, 100, 10)).toBeCloseTo(0.001, 12);
    expect(warmupCosineLr(0.01, 9, 100, 10)).toBeCloseTo(0.01, 12);
    expect(warmupCosineLr(0.01, 10, 100, 10)).toBeCloseTo(0.01, 12);
    expect(warmupCosineLr(0.01, 55, 100, 10)).toBeCloseTo(0.005, 12);
    expect(warmupCosineLr(0.01, 100, 100, 10)).toBeCloseTo(0, 12);
    expect(warmupCosineLr(0.01, 50, 100, 0)).toBeCloseTo(cosineLr(0.01, 50, 100), 12);
  });

  it('changes the step an optimizer takes', async () => {
    await tf.setBackend('cpu');
    const v = tf.variable(tf.scalar(1));
    // Adam's first step moves each weight by ≈ lr·sign(gradient), whatever the gradient's size.
    const opt = tf.train.adam(0.1);
    setLearningRate(opt, 0.5);
    opt.minimize(() => tf.mul(v, 2) as tf.Scalar);
    expect((await v.data())[0]).toBeCloseTo(0.5, 4);
    v.dispose();
    opt.dispose();
  });
});
