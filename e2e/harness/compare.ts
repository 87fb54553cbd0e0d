import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { diceDiversityFused, maskedDistillLossFused, receptiveMasksFused } from '../../src/maskd/kernels/fused';
import * as maskdEntry from '../../src/maskd/index';
import * as ops from '../../src/maskd/ops';

export interface Shape {
  n: number;
  h: number;
  w: number;
  c: number;
  t: number;
}

/** name → max|fused − composed| / max(max|composed|, 1e-20), plus the composed scale. */
export type Report = Record<string, { rel: number; scale: number }>;

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(shape: number[], seed: number, lo: number, hi: number): Tensor {
  const r = seeded(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = lo + (hi - lo) * r();
  return tf.tensor(data, shape);
}

async function relError(a: Tensor, b: Tensor): Promise<{ rel: number; scale: number }> {
  const [x, y] = await Promise.all([a.data(), b.data()]);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  if (x.length !== y.length) diff = Infinity;
  return { rel: diff / Math.max(scale, 1e-20), scale };
}

type Fn = (...xs: Tensor[]) => Scalar;

/** Value and gradients of f at xs, for fused and composed; adds each comparison to `out`. */
async function compareFn(out: Report, name: string, fused: Fn, composed: Fn, xs: Tensor[], labels: string[]): Promise<void> {
  const a = tf.valueAndGrads(fused)(xs);
  const b = tf.valueAndGrads(composed)(xs);
  out[`${name}.value`] = await relError(a.value, b.value);
  for (let i = 0; i < labels.length; i++) out[`${name}.${labels[i]}`] = await relError(a.grads[i], b.grads[i]);
  tf.dispose([a.value, b.value, ...a.grads, ...b.grads]);
}

/** Fused vs composed on one shape: masks op, loss (with and without weights), Dice. */
export async function compareShape(s: Shape, seed = 1): Promise<Report> {
  const out: Report = {};
  const feat = uniform([s.n, s.h, s.w, s.c], seed, -1, 1) as Tensor4D;
  const student = uniform([s.n, s.h, s.w, s.c], seed + 1, -1, 1) as Tensor4D;
  // Token scale keeps the logits O(1), so the masks are not saturated.
  const k = 2 / Math.sqrt(s.c);
  const tokens = uniform([s.t, s.c], seed + 2, -k, k) as Tensor2D;
  const masks = uniform([s.n, s.h, s.w, s.t], seed + 3, 0.01, 1) as Tensor4D;
  const weights = uniform([s.n, s.t], seed + 4, 0, 1) as Tensor2D;
  const probe = uniform([s.n, s.h, s.w, s.t], seed + 5, -1, 1);
  const probed = (f: (x: Tensor4D, t: Tensor2D) => Tensor4D): Fn => (x, t) =>
    tf.sum(tf.mul(f(x as Tensor4D, t as Tensor2D), probe));

  await compareFn(out, 'masks', probed(receptiveMasksFused), probed(ops.receptiveMasks), [feat, tokens], ['dFeatures', 'dTokens']);
  await compareFn(out, 'loss', (a, b, m) => maskedDistillLossFused(a as Tensor4D, b as Tensor4D, m as Tensor4D, 1e-5),
    (a, b, m) => ops.maskedDistillLoss(a as Tensor4D, b as Tensor4D, m as Tensor4D), [student, feat, masks],
    ['dStudent', 'dTeacher', 'dMasks']);
  await compareFn(out, 'lossWeighted',
    (a, b, m, w) => maskedDistillLossFused(a as Tensor4D, b as Tensor4D, m as Tensor4D, 1e-5, w as Tensor2D),
    (a, b, m, w) => ops.maskedDistillLoss(a as Tensor4D, b as Tensor4D, m as Tensor4D, { weights: w as Tensor2D }),
    [student, feat, masks, weights], ['dStudent', 'dTeacher', 'dMasks', 'dWeights']);
  await compareFn(out, 'dice', (m) => diceDiversityFused(m as Tensor4D), (m) => ops.diceDiversity(m as Tensor4D), [masks], ['dMasks']);
  tf.dispose([feat, student, tokens, masks, weights, probe]);
  return out;
}

/**
 * numTensors before and after `iterations` forward+backward passes of masks → loss + Dice
 * through the public entry (fused on webgpu).
 */
export async function leakCheck(
  entry: { receptiveMasks: typeof ops.receptiveMasks; maskedDistillLoss: typeof ops.maskedDistillLoss; diceDiversity: typeof ops.diceDiversity },
  iterations = 50,
): Promise<{ before: number; after: number; loss: number }> {
  const s: Shape = { n: 2, h: 5, w: 6, c: 12, t: 3 };
  const feat = uniform([s.n, s.h, s.w, s.c], 7, -1, 1) as Tensor4D;
  const student = uniform([s.n, s.h, s.w, s.c], 8, -1, 1) as Tensor4D;
  const tokens = uniform([s.t, s.c], 9, -0.5, 0.5) as Tensor2D;
  const weights = uniform([s.n, s.t], 10, 0, 1) as Tensor2D;
  const before = tf.memory().numTensors;
  let loss = 0;
  for (let i = 0; i < iterations; i++) {
    const { value, grads } = tf.valueAndGrads((x: Tensor, y: Tensor, tok: Tensor, w: Tensor) => {
      const m = entry.receptiveMasks(x as Tensor4D, tok as Tensor2D);
      const l = entry.maskedDistillLoss(y as Tensor4D, x as Tensor4D, m, { weights: w as Tensor2D });
      return tf.add(l, entry.diceDiversity(m)) as Scalar;
    })([feat, student, tokens, weights]);
    if (i === iterations - 1) loss = (await value.data())[0];
    tf.dispose([value, ...grads]);
  }
  const after = tf.memory().numTensors;
  tf.dispose([feat, student, tokens, weights]);
  return { before, after, loss };
}

/** Value and gradients of `f` on `backend`, with inputs rebuilt there from the same seeds. */
async function valueAndGradsOn(backend: string, f: Fn, build: () => Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const xs = build();
  const { value, grads } = tf.valueAndGrads(f)(xs);
  const out = await Promise.all([value, ...grads].map((t) => t.data() as Promise<Float32Array>));
  tf.dispose([value, ...grads, ...xs]);
  return out;
}

function relArrays(a: Float32Array, b: Float32Array): { rel: number; scale: number } {
  let diff = a.length === b.length ? 0 : Infinity;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { rel: diff / Math.max(scale, 1e-20), scale };
}

/**
 * The public entry on wasm (the composed ops) against the fused kernels on webgpu, on the same
 * inputs: masks, loss (with and without weights) and Dice, values and every gradient.
 */
export async function compareWasmWithFused(s: Shape, seed = 1): Promise<Report> {
  const k = 2 / Math.sqrt(s.c);
  const inputs = {
    feat: () => uniform([s.n, s.h, s.w, s.c], seed, -1, 1),
    student: () => uniform([s.n, s.h, s.w, s.c], seed + 1, -1, 1),
    tokens: () => uniform([s.t, s.c], seed + 2, -k, k),
    masks: () => uniform([s.n, s.h, s.w, s.t], seed + 3, 0.01, 1),
    weights: () => uniform([s.n, s.t], seed + 4, 0, 1),
  };
  const probeData = () => uniform([s.n, s.h, s.w, s.t], seed + 5, -1, 1);
  const cases: [string, Fn, Fn, () => Tensor[], string[]][] = [
    ['masks', (f, t) => tf.tidy(() => tf.sum(tf.mul(receptiveMasksFused(f as Tensor4D, t as Tensor2D), probeData()))),
      (f, t) => tf.tidy(() => tf.sum(tf.mul(maskdEntry.receptiveMasks(f as Tensor4D, t as Tensor2D), probeData()))),
      () => [inputs.feat(), inputs.tokens()], ['dFeatures', 'dTokens']],
    ['loss', (a, b, m) => maskedDistillLossFused(a as Tensor4D, b as Tensor4D, m as Tensor4D, 1e-5),
      (a, b, m) => maskdEntry.maskedDistillLoss(a as Tensor4D, b as Tensor4D, m as Tensor4D),
      () => [inputs.student(), inputs.feat(), inputs.masks()], ['dStudent', 'dTeacher', 'dMasks']],
    ['lossWeighted', (a, b, m, w) => maskedDistillLossFused(a as Tensor4D, b as Tensor4D, m as Tensor4D, 1e-5, w as Tensor2D),
      (a, b, m, w) => maskdEntry.maskedDistillLoss(a as Tensor4D, b as Tensor4D, m as Tensor4D, { weights: w as Tensor2D }),
      () => [inputs.student(), inputs.feat(), inputs.masks(), inputs.weights()], ['dStudent', 'dTeacher', 'dMasks', 'dWeights']],
    ['dice', (m) => diceDiversityFused(m as Tensor4D), (m) => maskdEntry.diceDiversity(m as Tensor4D), () => [inputs.masks()], ['dMasks']],
  ];
  const out: Report = {};
  const previous = tf.getBackend();
  for (const [name, fused, composed, build, labels] of cases) {
    const gpu = await valueAndGradsOn('webgpu', fused, build);
    const wasm = await valueAndGradsOn('wasm', composed, build);
    ['value', ...labels].forEach((label, i) => (out[`${name}.${label}`] = relArrays(wasm[i], gpu[i])));
  }
  await tf.setBackend(previous);
  return out;
}
