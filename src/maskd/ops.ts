import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import type { MaskedDistillOptions } from './types';
import { assertEps, assertMasks, assertMasksFor, assertSameFeatures, assertTokensFor, assertWeights } from './validate';

// The composed reference of the MasKD math, written with plain TensorFlow.js ops so that it runs
// (and differentiates) on every backend. Channels-last: features [N,H,W,C], tokens [T,C],
// masks [N,H,W,T], weights [N,T]. P = H·W below.

export const DEFAULT_DISTILL_EPS = 1e-5;
/** Added to each squared norm in the Dice term, as in the reference. */
export const DICE_EPS = 1e-12;

function flatPixels(t: Tensor4D): Tensor3D {
  const [n, h, w, k] = t.shape;
  return tf.reshape(t, [n, h * w, k]);
}

/** m[n,h,w,t] = sigmoid(Σ_c F[n,h,w,c]·tok[t,c]). */
export function receptiveMasks(features: Tensor4D, tokens: Tensor2D): Tensor4D {
  assertTokensFor(features, tokens);
  const [n, h, w, c] = features.shape;
  const t = tokens.shape[0];
  return tf.tidy(() => {
    const logits = tf.matMul(tf.reshape(features, [n * h * w, c]), tokens, false, true);
    return tf.reshape(tf.sigmoid(logits), [n, h, w, t]);
  });
}

/** A[n,p,c] = Σ_t w[n,t]·m[n,p,t]·F[n,p,c] (w ≡ 1 without weights). */
export function maskedAggregate(features: Tensor4D, masks: Tensor4D, weights?: Tensor2D): Tensor4D {
  const t = assertMasksFor(features, masks);
  if (weights) assertWeights(weights, features.shape[0], t);
  // Σ_t w·m·F = F·(Σ_t w·m): sum the masks first instead of building [N,H,W,T,C].
  return tf.tidy(() => {
    const weighted = weights ? tf.mul(masks, tf.reshape(weights, [weights.shape[0], 1, 1, t])) : masks;
    return tf.mul(features, tf.sum(weighted, 3, true));
  });
}

/**
 * Mean Dice coefficient over ordered pairs of distinct tokens, per image:
 * d_ij = 2Σ_p m_i m_j / (Σ_p m_i² + 1e-12 + Σ_p m_j² + 1e-12); loss = Σ_{n,i≠j} d_ij / (N·T·(T−1)).
 * T = 1 gives 0 (still connected to the masks, so gradients are zeros rather than an error).
 */
export function diceDiversity(masks: Tensor4D): Scalar {
  const t = assertMasks(masks);
  const n = masks.shape[0];
  return tf.tidy(() => {
    const m = flatPixels(masks); // [N,P,T]
    const gram = tf.matMul(m, m, true, false); // [N,T,T]: Σ_p m_i m_j
    const eye = tf.eye(t);
    const sq = tf.sum(tf.mul(gram, eye), 2); // [N,T]: Σ_p m_i²
    const denom = tf.add(
      tf.add(tf.reshape(sq, [n, t, 1]), tf.reshape(sq, [n, 1, t])),
      2 * DICE_EPS,
    );
    const dice = tf.div(tf.mul(gram, 2), denom);
    const offDiagonal = tf.sub(1, eye);
    const pairs = Math.max(n * t * (t - 1), 1);
    return tf.div(tf.sum(tf.mul(dice, offDiagonal)), pairs) as Scalar;
  });
}

function checkDistillInputs(student: Tensor4D, teacher: Tensor4D, masks: Tensor4D, options: MaskedDistillOptions): number {
  assertSameFeatures('student', student, 'teacher', teacher);
  const t = assertMasksFor(teacher, masks, 'teacher');
  if (options.weights) assertWeights(options.weights, teacher.shape[0], t);
  if (options.eps !== undefined) assertEps(options.eps);
  return t;
}

/** Reduces L[n,t,c] to the scalar loss: plain mean, or mean_n Σ_t w[n,t]·mean_c L[n,t,c]. */
function reduceDistill(perTokenChannel: Tensor3D, weights: Tensor2D | undefined): Scalar {
  if (!weights) return tf.mean(perTokenChannel);
  return tf.mean(tf.sum(tf.mul(tf.mean(perTokenChannel, 2), weights), 1));
}

/**
 * Masked distillation loss. Per (n,t,c): L = Σ_p m²·(S−F)² / (Σ_p m + eps); the result is the
 * mean over n,t,c, or with token weights mean_n Σ_t w[n,t]·mean_c L[n,t,c].
 * Σ_p m²·(S−F)² is one batched matMul (m²)ᵀ·(S−F)² of [N,T,P]×[N,P,C], so the [N,T,P,C]
 * product of the PyTorch reference is never built.
 */
export function maskedDistillLoss(
  student: Tensor4D,
  teacher: Tensor4D,
  masks: Tensor4D,
  options: MaskedDistillOptions = {},
): Scalar {
  const t = checkDistillInputs(student, teacher, masks, options);
  const eps = options.eps ?? DEFAULT_DISTILL_EPS;
  const n = teacher.shape[0];
  return tf.tidy(() => {
    const m = flatPixels(masks); // [N,P,T]
    const d2 = flatPixels(tf.squaredDifference(student, teacher)); // [N,P,C]
    const num = tf.matMul(tf.square(m), d2, true, false); // [N,T,C]
    const area = tf.reshape(tf.add(tf.sum(m, 1), eps), [n, t, 1]);
    return reduceDistill(tf.div(num, area), options.weights);
  });
}

/**
 * The same loss written the way the PyTorch reference does: it masks both features per token,
 * materialising [N,T,P,C] tensors. Only for benchmarks and as a cross-check in tests.
 */
export function maskedDistillLossNaive(
  student: Tensor4D,
  teacher: Tensor4D,
  masks: Tensor4D,
  options: MaskedDistillOptions = {},
): Scalar {
  const t = checkDistillInputs(student, teacher, masks, options);
  const eps = options.eps ?? DEFAULT_DISTILL_EPS;
  const [n, h, w, c] = teacher.shape;
  return tf.tidy(() => {
    const m = tf.reshape(tf.transpose(flatPixels(masks), [0, 2, 1]), [n, t, h * w, 1]);
    const s = tf.reshape(student, [n, 1, h * w, c]);
    const f = tf.reshape(teacher, [n, 1, h * w, c]);
    const diff = tf.sub(tf.mul(s, m), tf.mul(f, m)); // [N,T,P,C]
    const num = tf.sum(tf.square(diff), 2); // [N,T,C]
    const area = tf.add(tf.sum(m, 2), eps); // [N,T,1]
    return reduceDistill(tf.div(num, area) as Tensor3D, options.weights);
  });
}

/** Identity forward, zero gradient (tfjs has no stop_gradient op). */
export function stopGradient<T extends Tensor>(x: T): T {
  const f = tf.customGrad((...inputs: Array<Tensor | tf.GradSaveFunc>) => ({
    value: tf.clone(inputs[0] as Tensor),
    gradFunc: (dy: Tensor) => tf.zerosLike(dy),
  }));
  return f(x) as T;
}
