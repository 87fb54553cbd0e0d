import type * as tf from '@tensorflow/tfjs';

/** Cosine decay from `base` to `base·floor` over `total` steps (the reference schedule). */
export function cosineLr(base: number, step: number, total: number, floor = 0): number {
  const t = Math.min(Math.max(step / Math.max(total, 1), 0), 1);
  return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/**
 * tfjs's Adam reads `learningRate` on every step but has no setter; the field is public in the
 * JS and only marked protected in the typings. (SGD caches it at construction: Adam only.)
 */
export function setLearningRate(optimizer: tf.AdamOptimizer, lr: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}
