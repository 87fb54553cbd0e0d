import type * as tf from '@tensorflow/tfjs';

/** Cosine decay from `base` to `base·floor` over `total` steps (the reference schedule). */
export function cosineLr(base: number, step: number, total: number, floor = 0): number {
  const t = Math.min(Math.max(step / Math.max(total, 1), 0), 1);
  return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/**
 * Linear warm-up from base/warmupSteps to `base` over the first `warmupSteps` steps, then cosine
 * decay to 0 over the rest of the `total` steps (the usual recipe for training from scratch; the
 * warm-up keeps Adam's first, noisy steps from throwing BatchNorm'd nets off at a high rate).
 */
export function warmupCosineLr(base: number, step: number, total: number, warmupSteps: number): number {
  const w = Math.min(Math.max(Math.round(warmupSteps), 0), total);
  if (step < w) return (base * (step + 1)) / w;
  return cosineLr(base, step - w, total - w);
}

/**
 * tfjs's Adam reads `learningRate` on every step but has no setter; the field is public in the
 * JS and only marked protected in the typings. (SGD caches it at construction: Adam only.)
 */
export function setLearningRate(optimizer: tf.AdamOptimizer, lr: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}
