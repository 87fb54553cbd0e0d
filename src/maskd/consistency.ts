// The teacher-consistency objective of label-free stage 1 (and the soft targets of label-free
// distillation): a prediction (the head run on the masked aggregate, or a student) is compared
// with the teacher's own output on the full feature, output by output, part by part:
//   - probabilities or logits of a softmax over the channels: the cross-entropy against the
//     teacher's probabilities less their entropy, i.e. KL(p_teacher ‖ p), mean over positions;
//   - probabilities or logits of per-channel sigmoids: the same for each Bernoulli channel;
//   - anything else (sizes, offsets, features): a normalised L2, Σ(y − t)² / (Σ t² + ε) per image;
//     a part with `peaksOf` (CenterNet's sizes and offsets) weights each position by the teacher's
//     own heatmap peak there, as CenterNet trains those channels only at object centres.
// Each term is 0 exactly when the prediction equals the teacher's output (the KL form of the
// cross-entropy has the cross-entropy's gradient). The loss is the mean of the terms over the
// parts, then over the images, so a batch can be split into micro-batches exactly.
// Channels-last: every output is [N, …, C]; parts cut the last axis.
import * as tf from '@tensorflow/tfjs';
import { stopGradient } from './ops';

/** How the values of one output part are read. */
export type OutputKind = 'softmax' | 'softmax-logits' | 'sigmoid' | 'sigmoid-logits' | 'regression';

/** A run of channels [from, to) of one output with one kind. */
export interface OutputPart {
  readonly kind: OutputKind;
  readonly from: number;
  readonly to: number;
  /**
   * Regression parts of a [N,H,W,C] output only: the channels [from, to) of the same output that
   * are the teacher's heatmap logits (per-class sigmoids). Each position's term is weighted by the
   * teacher's peak there ({@link peakWeights}), so sizes and offsets count where the teacher finds
   * objects, not at every cell.
   */
  readonly peaksOf?: { readonly from: number; readonly to: number };
}

/** One output of the teacher: its name, its shape without the batch axis, and how its channels are read. */
export interface OutputSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly parts: readonly OutputPart[];
}

/** Probabilities are clipped to [P_EPS, 1 − P_EPS] before their logarithm. */
export const P_EPS = 1e-6;
/** ε of the normalised L2, per element (so an all-zero teacher output still divides). */
export const L2_EPS = 1e-6;

/** A one-kind spec covering all channels of an output. */
export function wholeOutput(name: string, shape: readonly number[], kind: OutputKind): OutputSpec {
  return { name, shape, parts: [{ kind, from: 0, to: shape[shape.length - 1] }] };
}

export const KIND_TEXT: Readonly<Record<OutputKind, string>> = {
  softmax: 'softmax probabilities: cross-entropy against the teacher’s',
  'softmax-logits': 'softmax logits: cross-entropy against the teacher’s probabilities',
  sigmoid: 'sigmoid probabilities: cross-entropy against the teacher’s',
  'sigmoid-logits': 'sigmoid logits: cross-entropy against the teacher’s probabilities',
  regression: 'values: normalised L2 to the teacher’s',
};

function slicePart(x: tf.Tensor, part: OutputPart): tf.Tensor {
  const channels = x.shape[x.rank - 1];
  if (part.from === 0 && part.to === channels) return x;
  const begin = x.shape.map((_, i) => (i === x.rank - 1 ? part.from : 0));
  const size = x.shape.map((d, i) => (i === x.rank - 1 ? part.to - part.from : d));
  return tf.slice(x, begin, size);
}

/**
 * The teacher's heatmap peaks [N,H,W,1] from its heatmap logits [N,H,W,K]: h = max_k sigmoid(logit),
 * kept where h is the maximum of its 3×3 neighbourhood (CenterNet's decode) and 0 elsewhere.
 */
export function peakWeights(heatmapLogits: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const h = tf.max(tf.sigmoid(heatmapLogits), -1, true) as tf.Tensor4D;
    const local = tf.maxPool(h, 3, 1, 'same');
    return tf.mul(h, tf.cast(tf.greaterEqual(h, local), 'float32')) as tf.Tensor4D;
  });
}

/** Position weights [N,H,W,1] of a part with `peaksOf`, from the teacher's output `t` (whole, not sliced). */
function partWeights(t: tf.Tensor, part: OutputPart): tf.Tensor4D | null {
  if (!part.peaksOf) return null;
  if (t.rank !== 4) throw new Error(`consistency: peak weights need a [N,H,W,C] output; got [${t.shape.join(',')}]`);
  const { from, to } = part.peaksOf;
  return peakWeights(tf.slice(t, [0, 0, 0, from], [-1, -1, -1, to - from]) as tf.Tensor4D);
}

/** Axes of one image's values (all but the batch axis). */
const imageAxes = (x: tf.Tensor): number[] => x.shape.slice(1).map((_, i) => i + 1);

/** log p and log(1 − p) of a Bernoulli output, from logits or (clipped) probabilities. */
function bernoulliLogs(x: tf.Tensor, logits: boolean): [tf.Tensor, tf.Tensor] {
  if (logits) return [tf.neg(tf.softplus(tf.neg(x))), tf.neg(tf.softplus(x))];
  const p = tf.clipByValue(x, P_EPS, 1 - P_EPS);
  return [tf.log(p), tf.log(tf.sub(1, p))];
}

/** log-probabilities of a softmax over the last axis, from logits or (clipped, renormalised) probabilities. */
function categoricalLogs(x: tf.Tensor, logits: boolean): tf.Tensor {
  if (logits) return tf.logSoftmax(x);
  const p = tf.clipByValue(x, P_EPS, 1);
  return tf.sub(tf.log(p), tf.log(tf.sum(p, -1, true)));
}

/**
 * Per image [N]: the term of one part (see the file's comment). `target` is the teacher's, gradient-free.
 * `weights` (regression only, [N,H,W,1]) weight each position: Σ w·(y − t)² / (Σ w·t² + ε·Σ w·C).
 */
export function partLoss(pred: tf.Tensor, target: tf.Tensor, kind: OutputKind, weights?: tf.Tensor | null): tf.Tensor1D {
  return tf.tidy(() => {
    const t = target;
    if (kind === 'regression') {
      if (weights) {
        const err = tf.sum(tf.mul(tf.squaredDifference(pred, t), weights), imageAxes(pred));
        const norm = tf.sum(tf.mul(tf.add(tf.square(t), L2_EPS), weights), imageAxes(t));
        return tf.div(err, norm) as tf.Tensor1D;
      }
      const err = tf.sum(tf.squaredDifference(pred, t), imageAxes(pred));
      const count = pred.size / pred.shape[0];
      return tf.div(err, tf.add(tf.sum(tf.square(t), imageAxes(t)), L2_EPS * count)) as tf.Tensor1D;
    }
    const positions = pred.size / pred.shape[0] / pred.shape[pred.rank - 1];
    if (kind === 'sigmoid' || kind === 'sigmoid-logits') {
      const logits = kind === 'sigmoid-logits';
      const [lp, lq] = bernoulliLogs(pred, logits);
      const [tp, tq] = bernoulliLogs(t, logits);
      const pt = logits ? tf.sigmoid(t) : tf.clipByValue(t, P_EPS, 1 - P_EPS);
      // KL(Bern(pt) ‖ Bern(p)) = pt (log pt − log p) + (1 − pt)(log(1 − pt) − log(1 − p)), summed over channels.
      const kl = tf.add(tf.mul(pt, tf.sub(tp, lp)), tf.mul(tf.sub(1, pt), tf.sub(tq, lq)));
      return tf.div(tf.sum(kl, imageAxes(kl)), positions) as tf.Tensor1D;
    }
    const logits = kind === 'softmax-logits';
    const lp = categoricalLogs(pred, logits);
    const lt = categoricalLogs(t, logits);
    const kl = tf.mul(tf.exp(lt), tf.sub(lt, lp));
    return tf.div(tf.sum(kl, imageAxes(kl)), positions) as tf.Tensor1D;
  });
}

function checkPair(pred: tf.Tensor, target: tf.Tensor, spec: OutputSpec): void {
  const want = [pred.shape[0], ...spec.shape];
  const same = (s: readonly number[]) => s.length === want.length && s.every((d, i) => d === want[i]);
  if (!same(pred.shape) || !same(target.shape)) {
    throw new Error(`consistency: output "${spec.name}" should be [${want.join(',')}]; got prediction [${pred.shape.join(',')}] and target [${target.shape.join(',')}]`);
  }
}

/** Per image [N]: the mean over every part of every output. */
export function consistencyPerImage(preds: readonly tf.Tensor[], targets: readonly tf.Tensor[], specs: readonly OutputSpec[]): tf.Tensor1D {
  if (preds.length !== specs.length || targets.length !== specs.length) {
    throw new Error(`consistency: ${specs.length} outputs expected; got ${preds.length} predictions and ${targets.length} targets`);
  }
  return tf.tidy(() => {
    const terms: tf.Tensor1D[] = [];
    specs.forEach((spec, i) => {
      checkPair(preds[i], targets[i], spec);
      for (const part of spec.parts) {
        const target = stopGradient(targets[i]);
        terms.push(partLoss(slicePart(preds[i], part), slicePart(target, part), part.kind, partWeights(target, part)));
      }
    });
    if (!terms.length) throw new Error('consistency: the teacher has no output to compare');
    return tf.div(tf.addN(terms), terms.length) as tf.Tensor1D;
  });
}

/** The objective: mean over images of {@link consistencyPerImage}. */
export function consistencyLoss(preds: readonly tf.Tensor[], targets: readonly tf.Tensor[], specs: readonly OutputSpec[]): tf.Scalar {
  return tf.tidy(() => tf.mean(consistencyPerImage(preds, targets, specs)) as tf.Scalar);
}

/** Running sums behind {@link agreement}: one entry per part of every output. */
export interface AgreementSums {
  /** Numerators and denominators per part, in spec order. */
  readonly num: number[];
  readonly den: number[];
}

export function emptyAgreement(specs: readonly OutputSpec[]): AgreementSums {
  const n = specs.reduce((a, s) => a + s.parts.length, 0);
  return { num: new Array<number>(n).fill(0), den: new Array<number>(n).fill(0) };
}

/**
 * Adds one batch to the agreement sums, read back in one go. Per part: softmax — positions where
 * the prediction's arg-max class is the teacher's (over positions); sigmoid — soft IoU
 * Σ min(p, t) / Σ max(p, t) of the probabilities; values — 1 − Σ(y − t)² / Σ t² (at least 0), each
 * position weighted by the teacher's peak there for a part with `peaksOf`.
 */
export async function addAgreement(sums: AgreementSums, preds: readonly tf.Tensor[], targets: readonly tf.Tensor[], specs: readonly OutputSpec[]): Promise<void> {
  const stats = tf.tidy(() => {
    const out: tf.Tensor[] = [];
    specs.forEach((spec, i) => {
      checkPair(preds[i], targets[i], spec);
      for (const part of spec.parts) {
        const y = slicePart(preds[i], part);
        const t = slicePart(targets[i], part);
        if (part.kind === 'softmax' || part.kind === 'softmax-logits') {
          const same = tf.cast(tf.equal(tf.argMax(y, -1), tf.argMax(t, -1)), 'float32');
          out.push(tf.stack([tf.sum(same), tf.scalar(same.size)]));
        } else if (part.kind === 'sigmoid' || part.kind === 'sigmoid-logits') {
          const p = part.kind === 'sigmoid-logits' ? tf.sigmoid(y) : y;
          const q = part.kind === 'sigmoid-logits' ? tf.sigmoid(t) : t;
          out.push(tf.stack([tf.sum(tf.minimum(p, q)), tf.sum(tf.maximum(p, q))]));
        } else {
          const w = partWeights(targets[i], part);
          const err = tf.squaredDifference(y, t);
          const sq = tf.square(t);
          out.push(w ? tf.stack([tf.sum(tf.mul(err, w)), tf.sum(tf.mul(sq, w))]) : tf.stack([tf.sum(err), tf.sum(sq)]));
        }
      }
    });
    return tf.concat(out);
  });
  const data = await stats.data();
  stats.dispose();
  for (let k = 0; k < sums.num.length; k++) {
    sums.num[k] += data[2 * k];
    sums.den[k] += data[2 * k + 1];
  }
}

/** Agreement in [0, 1] (1: the prediction is the teacher's output), the mean over parts. */
export function agreement(sums: AgreementSums, specs: readonly OutputSpec[]): number {
  const kinds = specs.flatMap((s) => s.parts.map((p) => p.kind));
  const per = kinds.map((kind, k) => {
    const num = sums.num[k];
    const den = sums.den[k];
    if (kind === 'regression') return den > 0 ? Math.max(0, 1 - num / den) : num === 0 ? 1 : 0;
    return den > 0 ? num / den : 1;
  });
  return per.length ? per.reduce((a, b) => a + b, 0) / per.length : NaN;
}

/**
 * Bounds on each token's area (its mean mask over one image) in label-free stage 1. The
 * consistency objective alone is won by the collapse: one all-ones mask reproduces the teacher's
 * feature exactly and dark masks overlap nothing (Dice 0), so it needs a term that a partition of the
 * scene satisfies and the collapse does not. Chosen by measured runs (docs/experiments.md).
 */
export const AREA_BOUNDS = { floor: 0.05, ceiling: 0.9 } as const;

/**
 * Per image [N]: how far each token's area a[n,t] = mean_p m[n,p,t] lies outside [floor, ceiling],
 * as a share of the room on that side, mean over the T tokens:
 *   (1/T) Σ_t [relu(floor − a)/floor + relu(a − ceiling)/(1 − ceiling)].
 * 0 for any masks whose areas lie within the bounds (a partition into parts of 5–90% of the scene);
 * the collapse (one all-ones mask, T − 1 dark ones) scores 1. Masks [N,H,W,T].
 */
export function areaBoundsPerImage(masks: tf.Tensor4D, bounds: { readonly floor: number; readonly ceiling: number } = AREA_BOUNDS): tf.Tensor1D {
  const { floor, ceiling } = bounds;
  if (!(floor > 0 && ceiling < 1 && floor < ceiling)) throw new Error(`area bounds: need 0 < floor < ceiling < 1; got ${floor}, ${ceiling}`);
  return tf.tidy(() => {
    const area = tf.mean(masks, [1, 2]); // [N,T]
    const below = tf.div(tf.relu(tf.sub(floor, area)), floor);
    const above = tf.div(tf.relu(tf.sub(area, ceiling)), 1 - ceiling);
    return tf.mean(tf.add(below, above), 1) as tf.Tensor1D;
  });
}
