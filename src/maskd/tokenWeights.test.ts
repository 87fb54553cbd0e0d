import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { randomArray } from './ops.testkit';
import { LOGIT_INIT_SCALE, TOKEN_WEIGHT_PARAMS, TokenWeightBranch, hwioToOihw, oihwToHwio, oneHotPenalty } from './tokenWeights';
import type { TokenWeightsState } from './tokenWeights';

// Top-level, so tensors built while collecting describe blocks are on cpu too.
await tf.setBackend('cpu');

/** Plain-JS forward: conv3×3 (zero padding) + bias, mean over pixels, ·[C,T] + bias, softmax. */
function jsTokenWeights(x: number[], n: number, h: number, w: number, c: number, t: number, s: TokenWeightsState): number[] {
  const k3 = s[TOKEN_WEIGHT_PARAMS.conv3x3Kernel].data, b3 = s[TOKEN_WEIGHT_PARAMS.conv3x3Bias].data;
  const k1 = s[TOKEN_WEIGHT_PARAMS.conv1x1Kernel].data, b1 = s[TOKEN_WEIGHT_PARAMS.conv1x1Bias].data;
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    const pooled = new Array<number>(c).fill(0);
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++)
        for (let o = 0; o < c; o++) {
          let acc = b3[o];
          for (let dy = 0; dy < 3; dy++)
            for (let dx = 0; dx < 3; dx++) {
              const yy = y + dy - 1, xs = xx + dx - 1;
              if (yy < 0 || yy >= h || xs < 0 || xs >= w) continue;
              for (let i = 0; i < c; i++) acc += x[((b * h + yy) * w + xs) * c + i] * k3[((dy * 3 + dx) * c + i) * c + o];
            }
          pooled[o] += acc / (h * w);
        }
    const logits = Array.from({ length: t }, (_, j) => b1[j] + pooled.reduce((a, p, i) => a + p * k1[i * t + j], 0));
    const mx = Math.max(...logits);
    const ex = logits.map((l) => Math.exp(l - mx));
    const sum = ex.reduce((a, v) => a + v, 0);
    out.push(...ex.map((v) => v / sum));
  }
  return out;
}

describe('TokenWeightBranch', () => {
  it('outputs [N,T] rows that are positive and sum to 1', async () => {
    const branch = TokenWeightBranch.create({ channels: 4, numTokens: 6, seed: 3 });
    const x = tf.randomNormal([3, 5, 4, 4], 0, 1, 'float32', 4) as tf.Tensor4D;
    const w = branch.apply(x);
    expect(w.shape).toEqual([3, 6]);
    const v = Array.from(await w.data());
    v.forEach((p) => expect(p).toBeGreaterThan(0));
    for (let n = 0; n < 3; n++) expect(v.slice(n * 6, n * 6 + 6).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    // Different images get different weights (the branch is not a constant).
    expect(v.slice(0, 6)).not.toEqual(v.slice(6, 12));
    tf.dispose([x, w]);
    branch.dispose();
  });

  it('matches a plain-JS conv/pool/softmax forward', async () => {
    const [n, h, w, c, t] = [2, 3, 4, 3, 4];
    const state: TokenWeightsState = {
      [TOKEN_WEIGHT_PARAMS.conv3x3Kernel]: { shape: [3, 3, c, c], data: randomArray(9 * c * c, 30) },
      [TOKEN_WEIGHT_PARAMS.conv3x3Bias]: { shape: [c], data: randomArray(c, 31) },
      [TOKEN_WEIGHT_PARAMS.conv1x1Kernel]: { shape: [1, 1, c, t], data: randomArray(c * t, 32, -2, 2) },
      [TOKEN_WEIGHT_PARAMS.conv1x1Bias]: { shape: [t], data: randomArray(t, 33) },
    };
    const xd = randomArray(n * h * w * c, 34);
    const branch = TokenWeightBranch.deserialize(state);
    const got = Array.from(await branch.apply(tf.tensor4d(xd, [n, h, w, c])).data());
    const want = jsTokenWeights(xd, n, h, w, c, t, state);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 5));
    branch.dispose();
  });

  it('round-trips through a plain object and JSON', async () => {
    const branch = TokenWeightBranch.create({ channels: 3, numTokens: 2, seed: 5 });
    const state = await branch.serialize();
    expect(Object.keys(state).sort()).toEqual(['prob.0.bias', 'prob.0.weight', 'prob.2.bias', 'prob.2.weight']);
    expect(state['prob.0.weight'].shape).toEqual([3, 3, 3, 3]);
    expect(state['prob.2.weight'].shape).toEqual([1, 1, 3, 2]);
    const back = TokenWeightBranch.deserialize(JSON.parse(JSON.stringify(state)));
    expect(await back.serialize()).toEqual(state);
    const x = tf.randomNormal([2, 3, 3, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
    expect(Array.from(await back.apply(x).data())).toEqual(Array.from(await branch.apply(x).data()));
    branch.dispose();
    back.dispose();
  });

  it('initialises like the reference (fan-out normal kernels, zero biases), the logit kernel scaled down', async () => {
    const branch = TokenWeightBranch.create({ channels: 32, numTokens: 8, seed: 9 });
    const state = await branch.serialize();
    const rms = (k: number[]) => Math.sqrt(k.reduce((a, v) => a + v * v, 0) / k.length);
    const std = rms(state['prob.0.weight'].data);
    expect(std / Math.sqrt(2 / (9 * 32))).toBeGreaterThan(0.95);
    expect(std / Math.sqrt(2 / (9 * 32))).toBeLessThan(1.05);
    // 256 values: within 15% of LOGIT_INIT_SCALE · sqrt(2 / T).
    const std1 = rms(state['prob.2.weight'].data) / (LOGIT_INIT_SCALE * Math.sqrt(2 / 8));
    expect(std1).toBeGreaterThan(0.85);
    expect(std1).toBeLessThan(1.15);
    expect(state['prob.0.bias'].data.every((v) => v === 0)).toBe(true);
    expect(state['prob.2.bias'].data.every((v) => v === 0)).toBe(true);
    // So the weights start (nearly) equal on a feature of unit scale: every w within 5% of 1/T.
    const x = tf.randomNormal([2, 4, 4, 32], 0, 1, 'float32', 3) as tf.Tensor4D;
    const w = await branch.apply(x).data();
    for (const v of w) expect(Math.abs(v * 8 - 1)).toBeLessThan(0.05);
    x.dispose();
    branch.dispose();
  });

  it('oneHotPenalty is log T − H(w) per image (hand-worked)', async () => {
    // Equal: 0; [0.5, 0.5, 0, 0]: log 4 − log 2; one-hot: log 4 (0·log 0 = 0).
    const p = oneHotPenalty(tf.tensor2d([0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0, 0, 0, 1, 0, 0], [3, 4]));
    const v = Array.from(await p.data());
    expect(v[0]).toBeCloseTo(0, 6);
    expect(v[1]).toBeCloseTo(Math.log(2), 6);
    expect(v[2]).toBeCloseTo(Math.log(4), 6);
    // Its gradient through a softmax is finite at one-hot weights (no log 0).
    const g = tf.grad((z: tf.Tensor) => tf.sum(oneHotPenalty(tf.softmax(z) as tf.Tensor2D)))(tf.tensor2d([[50, 0, 0, 0]]));
    expect(Array.from(await g.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([p, g]);
  });

  it('rejects malformed state and wrong feature widths', () => {
    const good = (c: number, t: number): TokenWeightsState => ({
      'prob.0.weight': { shape: [3, 3, c, c], data: new Array<number>(9 * c * c).fill(0) },
      'prob.0.bias': { shape: [c], data: new Array<number>(c).fill(0) },
      'prob.2.weight': { shape: [1, 1, c, t], data: new Array<number>(c * t).fill(0) },
      'prob.2.bias': { shape: [t], data: new Array<number>(t).fill(0) },
    });
    const before = tf.memory().numTensors;
    expect(() => TokenWeightBranch.deserialize({ ...good(2, 3), 'prob.0.bias': { shape: [3], data: [0, 0, 0] } }))
      .toThrow(/"prob.0.bias" must have shape \[2\]/);
    expect(() => TokenWeightBranch.deserialize({ ...good(2, 3), 'prob.2.bias': { shape: [3], data: [0, NaN, 0] } }))
      .toThrow(/finite/);
    const { 'prob.2.weight': _dropped, ...missing } = good(2, 3);
    expect(() => TokenWeightBranch.deserialize(missing)).toThrow(/missing or malformed "prob.2.weight"/);
    expect(tf.memory().numTensors).toBe(before);
    const branch = TokenWeightBranch.deserialize(good(2, 3));
    expect(() => branch.apply(tf.zeros([1, 2, 2, 5]) as tf.Tensor4D)).toThrow(/expect C = 2 channels/);
    branch.dispose();
  });

  it('exposes four trainable variables that all receive gradients, without leaking', async () => {
    const branch = TokenWeightBranch.create({ channels: 3, numTokens: 4, seed: 11 });
    expect(branch.variables).toHaveLength(4);
    const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 12) as tf.Tensor4D;
    const r = tf.tensor2d(randomArray(8, 13), [2, 4]);
    const step = (): tf.Tensor1D =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(branch.apply(x), r)), branch.variables);
        value.dispose();
        return tf.stack(branch.variables.map((v) => tf.max(tf.abs(grads[v.name])))) as tf.Tensor1D;
      });
    const first = step();
    Array.from(await first.data()).forEach((m) => expect(m).toBeGreaterThan(1e-4));
    first.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step().dispose();
    expect(tf.memory().numTensors).toBe(before);
    branch.setTrainable(false);
    expect(branch.variables.every((v) => !v.trainable)).toBe(true);
    tf.dispose([x, r]);
    branch.dispose();
  });
});

describe('kernel layout helpers', () => {
  // HWIO [kh=1,kw=2,I=2,O=3] holding its own flat index 0..11
  const hwio = Array.from({ length: 12 }, (_, i) => i);

  it('reorders HWIO to OIHW (hand-checked)', () => {
    const { data, shape } = hwioToOihw(hwio, [1, 2, 2, 3]);
    expect(shape).toEqual([3, 2, 1, 2]);
    // OIHW[o][i][0][x] = HWIO[0][x][i][o] = (x·2 + i)·3 + o
    expect(data).toEqual([0, 6, 3, 9, 1, 7, 4, 10, 2, 8, 5, 11]);
  });

  it('agrees with tf.transpose and inverts with oihwToHwio', async () => {
    const shape = [3, 3, 4, 5];
    const d = randomArray(180, 40);
    const viaTf = Array.from(await tf.transpose(tf.tensor4d(d, [3, 3, 4, 5]), [3, 2, 0, 1]).data());
    const oihw = hwioToOihw(d, shape);
    oihw.data.forEach((v, i) => expect(v).toBeCloseTo(viaTf[i], 6));
    expect(oihwToHwio(oihw.data, oihw.shape)).toEqual({ data: d, shape });
  });

  it('rejects data that does not fit the shape', () => {
    expect(() => hwioToOihw([1, 2, 3], [1, 1, 2, 2])).toThrow(/needs 4 values, got 3/);
    expect(() => oihwToHwio([1], [1, 1, 1])).toThrow(/4 positive integers/);
  });
});
