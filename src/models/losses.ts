// Task losses in tf ops (differentiable, any backend). Callers own the returned tensors.
import * as tf from '@tensorflow/tfjs';

/**
 * Weight of a digit pixel relative to a background pixel in the segmentation loss: 1, plain
 * cross-entropy. A weight of 5 (used while ink was ~3% of a scene and the old head sat on "all
 * background") moves the decision boundary outwards: the nets drew strokes a pixel too wide
 * (false digit pixels next to the ink were 0.35 of the digit pixels, against 0.16 at weight 1),
 * and mIoU counts every such pixel. With bold strokes ink is ~14% of a scene.
 */
export const SEG_FOREGROUND_WEIGHT = 1;

/**
 * Pixel cross-entropy: logits [N,H,W,K], labels int32 [N,H,W] in [0,K). With `foregroundWeight`
 * ≠ 1, pixels of classes ≥ 1 count that many times and the mean is over the total weight.
 */
export function segmentationLoss(logits: tf.Tensor4D, labels: tf.Tensor3D, foregroundWeight = 1): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[3];
    const logp = tf.logSoftmax(logits);
    const onehot = tf.oneHot(tf.cast(labels, 'int32'), k);
    const nll = tf.neg(tf.sum(tf.mul(onehot, logp), -1));
    if (foregroundWeight === 1) return tf.mean(nll) as tf.Scalar;
    const w = tf.add(1, tf.mul(foregroundWeight - 1, tf.cast(tf.greater(labels, 0), 'float32')));
    return tf.div(tf.sum(tf.mul(w, nll)), tf.sum(w)) as tf.Scalar;
  });
}

export interface DetectionTargets {
  /** [N, h, w, K] Gaussian centre heatmaps (1 at centres); K = 10 in the digit demo. */
  readonly heatmap: tf.Tensor4D;
  /** [N, h, w, 2]. */
  readonly size: tf.Tensor4D;
  /** [N, h, w, 2]. */
  readonly offset: tf.Tensor4D;
  /** [N, h, w, 1], 1 at centre cells. */
  readonly mask: tf.Tensor4D;
}

export interface DetectionLossWeights {
  readonly heatmap: number;
  readonly size: number;
  readonly offset: number;
}

/** CenterNet's weights. */
export const DEFAULT_DET_WEIGHTS: DetectionLossWeights = { heatmap: 1, size: 0.1, offset: 1 };

export interface DetectionLossTerms {
  readonly total: tf.Scalar;
  readonly heatmap: tf.Scalar;
  readonly size: tf.Scalar;
  readonly offset: tf.Scalar;
}

/**
 * CenterNet focal loss (α = 2, β = 4) on heatmap logits, normalised by the number of centres
 * (at least 1). Log-probabilities come from log-sigmoid for stability at large logits.
 */
export function focalLoss(heatLogits: tf.Tensor4D, target: tf.Tensor4D, alpha = 2, beta = 4): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.sigmoid(heatLogits);
    const logP = tf.neg(tf.softplus(tf.neg(heatLogits)));
    const log1mP = tf.neg(tf.softplus(heatLogits));
    const pos = tf.cast(tf.equal(target, 1), 'float32');
    const neg = tf.sub(1, pos);
    const posLoss = tf.mul(tf.mul(logP, tf.pow(tf.sub(1, p), alpha)), pos);
    const negLoss = tf.mul(tf.mul(tf.mul(log1mP, tf.pow(p, alpha)), tf.pow(tf.sub(1, target), beta)), neg);
    const numPos = tf.maximum(tf.sum(pos), 1);
    return tf.div(tf.neg(tf.add(tf.sum(posLoss), tf.sum(negLoss))), numPos) as tf.Scalar;
  });
}

/** L1 over the masked cells, averaged per regressed value (CenterNet's RegL1Loss). */
export function maskedL1(pred: tf.Tensor4D, target: tf.Tensor4D, mask: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const m = tf.broadcastTo(mask, pred.shape);
    const l1 = tf.sum(tf.mul(tf.abs(tf.sub(pred, target)), m));
    return tf.div(l1, tf.add(tf.sum(m), 1e-4)) as tf.Scalar;
  });
}

/** Splits the head output (K heatmap + 2 size + 2 offset channels; K = 10 in the demo) into its parts. */
export function splitDetectionOutput(out: tf.Tensor4D): { heat: tf.Tensor4D; size: tf.Tensor4D; offset: tf.Tensor4D } {
  const [n, h, w, c] = out.shape;
  const k = c - 4;
  if (k < 1) throw new Error(`detection output has ${c} channels; expected K heatmaps + 4 (size, offset)`);
  return {
    heat: tf.slice(out, [0, 0, 0, 0], [n, h, w, k]),
    size: tf.slice(out, [0, 0, 0, k], [n, h, w, 2]),
    offset: tf.slice(out, [0, 0, 0, k + 2], [n, h, w, 2]),
  };
}

export function detectionLossTerms(
  out: tf.Tensor4D,
  targets: DetectionTargets,
  weights: DetectionLossWeights = DEFAULT_DET_WEIGHTS,
): DetectionLossTerms {
  return tf.tidy(() => {
    const { heat, size, offset } = splitDetectionOutput(out);
    const hm = focalLoss(heat, targets.heatmap);
    const sz = maskedL1(size, targets.size, targets.mask);
    const off = maskedL1(offset, targets.offset, targets.mask);
    const total = tf.addN([tf.mul(hm, weights.heatmap), tf.mul(sz, weights.size), tf.mul(off, weights.offset)]) as tf.Scalar;
    return { total, heatmap: hm, size: sz, offset: off };
  });
}

export function detectionLoss(out: tf.Tensor4D, targets: DetectionTargets, weights: DetectionLossWeights = DEFAULT_DET_WEIGHTS): tf.Scalar {
  return tf.tidy(() => detectionLossTerms(out, targets, weights).total);
}
