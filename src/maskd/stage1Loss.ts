// Stage 1's loss of one batch (or micro-batch), given its task loss and Dice term:
//   task + dice·Dice + weightEntropy·mean_n(log T − H(w_n)) + areaBounds·mean_n(area bounds).
// The last two are means over images, so micro-batches still add up to the batch. The token-weight
// branch's penalty (src/maskd/tokenWeights.ts, oneHotPenalty) keeps one token from taking all the
// weight; the area bounds (src/maskd/consistency.ts, areaBoundsPerImage) are the label-free
// objective's: with them the collapse (one all-ones mask, the rest dark) scores 1, a partition 0.
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { areaBoundsPerImage } from './consistency';
import { oneHotPenalty } from './tokenWeights';

export interface Stage1Weights {
  /** Weight of the Dice diversity term. */
  readonly dice: number;
  /** Weight of the penalty on one-hot token weights (with the branch); 0: none. */
  readonly weightEntropy: number;
  /** Weight of the area bounds (label-free stage 1); 0: none. */
  readonly areaBounds: number;
}

/** Default weight of the penalty on one-hot token weights (chosen by measured runs, docs/experiments.md). */
export const WEIGHT_ENTROPY = 0.3;
/** Default weight of the area bounds in label-free stage 1 (chosen by measured runs, docs/experiments.md). */
export const AREA_BOUNDS_WEIGHT = 1;

/** The total loss (a scalar); `dice` is the batch's Dice diversity of `masks` [N,H,W,T], `weights` [N,T] the branch's. */
export function stage1Loss(task: Scalar, dice: Scalar, masks: Tensor4D, weights: Tensor2D | undefined, w: Stage1Weights): Scalar {
  return tf.tidy(() => {
    const terms: Tensor[] = [task, tf.mul(dice, w.dice)];
    if (weights && w.weightEntropy > 0) terms.push(tf.mul(tf.mean(oneHotPenalty(weights)), w.weightEntropy));
    if (w.areaBounds > 0) terms.push(tf.mul(tf.mean(areaBoundsPerImage(masks)), w.areaBounds));
    return tf.addN(terms) as Scalar;
  });
}
