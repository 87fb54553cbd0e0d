// Stage 1's optimisers and learning-rate schedules, as the reference recipes use them
// (docs/experiments.md, "Stage 1 recipes"): Adam or SGD with momentum, cosine annealing to a floor (mmcv's
// CosineAnnealing, min_lr) or the poly decay of the reference segmentation code (`adjust_lr` in
// segmentation/train_mask_module.py: lr·(1 − step/total)^0.9), and PyTorch's `weight_decay`
// (L2: weight_decay·param added to the gradient, for Adam and SGD alike).
import * as tf from '@tensorflow/tfjs';
import type { LrSchedule, MaskOptimizer } from '../engine/runConfigs';
import { cosineLr } from './schedule';

/** The reference segmentation code's poly power (`adjust_lr(..., power=0.9)`). */
export const POLY_POWER = 0.9;

/** lr·(1 − step/total)^power: `step` 0 gives lr, the last step (total − 1) a little above 0. */
export function polyLr(base: number, step: number, total: number, power = POLY_POWER): number {
  const t = Math.min(Math.max(step / Math.max(total, 1), 0), 1);
  return base * (1 - t) ** power;
}

/** The learning rate of 0-based `step` of `total`: cosine from `base` down to `minLr` (absolute, as mmcv's min_lr), or poly. */
export function scheduledLr(schedule: LrSchedule, base: number, step: number, total: number, minLr = 0): number {
  if (schedule === 'poly') return polyLr(base, step, total);
  const floor = base > 0 ? Math.min(1, Math.max(0, minLr / base)) : 0;
  return cosineLr(base, step, total, floor);
}

export interface OptimizerSpec {
  readonly optimizer: MaskOptimizer;
  readonly lr: number;
  /** SGD's momentum (heavy ball, no Nesterov: PyTorch's SGD with dampening 0). */
  readonly momentum: number;
}

/** Adam (tfjs defaults β1 0.9, β2 0.999, ε 1e-7) or SGD with momentum (tf.train.momentum). */
export function makeOptimizer(spec: OptimizerSpec): tf.Optimizer {
  return spec.optimizer === 'sgd' ? tf.train.momentum(spec.lr, spec.momentum, false) : tf.train.adam(spec.lr);
}

/**
 * Sets the learning rate the next update uses. Adam reads its public `learningRate` field on every
 * step; SGD (and momentum, its subclass) keeps −lr as a scalar tensor that only `setLearningRate`
 * replaces (disposing the old one: the tensor count stays flat).
 */
export function setOptimizerLr(optimizer: tf.Optimizer, lr: number): void {
  // By class name: tfjs's optimisers answer instanceof for any optimiser class (Symbol.hasInstance).
  const name = optimizer.getClassName();
  if (name === 'SGD' || name === 'Momentum') {
    const sgd = optimizer as tf.SGDOptimizer;
    if ((sgd as unknown as { learningRate: number }).learningRate !== lr) sgd.setLearningRate(lr);
    return;
  }
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}

/**
 * PyTorch's `weight_decay` for Adam and SGD: each gradient g of variable v becomes g + wd·v
 * (coupled L2, not AdamW). Replaces (and disposes) the gradients in `grads`, keyed by variable name.
 */
export function addWeightDecay(grads: tf.NamedTensorMap, variables: readonly tf.Variable[], weightDecay: number): void {
  if (!(weightDecay > 0)) return;
  for (const v of variables) {
    const g = grads[v.name];
    if (!g) continue;
    grads[v.name] = tf.tidy(() => tf.add(g, tf.mul(v, weightDecay)));
    g.dispose();
  }
}
