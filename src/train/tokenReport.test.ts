import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { receptiveMasks } from '../maskd/index';
import { ReceptiveTokens } from '../maskd/tokens';
import { TokenWeightBranch } from '../maskd/tokenWeights';
import { LIVE_AREA, reportBudget, tokenReport, TokenStats } from './tokenReport';

beforeAll(async () => {
  await useWasmBackend();
});

describe('TokenStats', () => {
  it('hand-worked: two tokens on a 2×2 mask over a 4×4 label map', () => {
    // Label map: the left half is digit "0" (label 1), the right half background (label 0).
    const labels = new Uint8Array([1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);
    // Token a: 1 on the left cells, 0 on the right; token b: 0.5 everywhere. [1,2,2,2] row-major (y, x, token).
    const masks = new Float32Array([1, 0.5, 0, 0.5, 1, 0.5, 0, 0.5]);
    const stats = new TokenStats(2, ['background', '0']);
    stats.add(masks, [1, 2, 2, 2], [labels], [4, 4]);
    const r = stats.summarise('val');
    expect(r.perClass).toEqual([
      [0, 1],
      [0.5, 0.5],
    ]);
    expect(r.area).toEqual([0.5, 0.5]);
    expect(r.live).toEqual([true, true]);
    // Dice(a, b) = 2·Σab / (Σa² + Σb²) = 2·(0.5+0.5) / (2 + 4·0.25) = 2/3.
    expect(r.dice[0][1]).toBeCloseTo(2 / 3, 9);
    expect(r.dice[1][0]).toBeCloseTo(2 / 3, 9);
    expect(r.dice[0][0]).toBe(1);
    expect(r.meanDice).toBeCloseTo(2 / 3, 9);
    expect(r.scenes).toBe(1);
  });

  it('a token off everywhere or on everywhere is not live; a class without pixels is NaN', () => {
    const stats = new TokenStats(2, ['background', '0', '1']);
    const labels = new Uint8Array(4).fill(0);
    stats.add(new Float32Array([0.001, 0.99, 0.001, 0.99, 0.001, 0.99, 0.001, 0.99]), [1, 2, 2, 2], [labels], [2, 2]);
    const r = stats.summarise('val');
    expect(r.area[0]).toBeLessThan(LIVE_AREA.min);
    expect(r.area[1]).toBeGreaterThan(LIVE_AREA.max);
    expect(r.liveCount).toBe(0);
    expect(Number.isNaN(r.perClass[0][1])).toBe(true);
    expect(r.perClass[1][0]).toBeCloseTo(0.99, 6);
  });

  it('averages Dice per image, not over pooled pixels', () => {
    const stats = new TokenStats(2, ['background']);
    const bg = new Uint8Array(1);
    // Image 1: identical masks (Dice 1). Image 2: disjoint (Dice 0). Mean 0.5.
    stats.add(new Float32Array([1, 1]), [1, 1, 1, 2], [bg], [1, 1]);
    stats.add(new Float32Array([1, 0]), [1, 1, 1, 2], [bg], [1, 1]);
    expect(stats.summarise('val').dice[0][1]).toBeCloseTo(0.5, 9);
  });

  it('without a branch there are no weights; with one, the weight of each token averaged over every image and the effective number', () => {
    const bg = new Uint8Array(1);
    const plain = new TokenStats(2, ['background']);
    plain.add(new Float32Array([0.5, 0.5]), [1, 1, 1, 2], [bg], [1, 1]);
    expect(plain.summarise('val')).toMatchObject({ weights: null, effectiveTokens: null });

    // Four tokens over three images in two batches: w = [1,0,0,0], then [0,1,0,0] and [0.5,0.5,0,0].
    // Mean [0.5, 0.5, 0, 0]: two tokens carry the weight equally, so exp(ln 2) = 2 effective tokens.
    const stats = new TokenStats(4, ['background']);
    stats.add(new Float32Array(4).fill(0.5), [1, 1, 1, 4], [bg], [1, 1], new Float32Array([1, 0, 0, 0]));
    stats.add(new Float32Array(8).fill(0.5), [2, 1, 1, 4], [bg, bg], [1, 1], new Float32Array([0, 1, 0, 0, 0.5, 0.5, 0, 0]));
    const r = stats.summarise('val');
    expect(r.weights).toEqual([0.5, 0.5, 0, 0]);
    expect(r.effectiveTokens).toBeCloseTo(2, 12);
    expect(r.scenes).toBe(3);
  });

  it('one token with all the weight on every image is one effective token, however many tokens are live', () => {
    const stats = new TokenStats(3, ['background']);
    // Three live masks (areas 0.3, 0.5, 0.7), but the branch gives token 2 weight 1 every time.
    stats.add(new Float32Array([0.3, 0.5, 0.7, 0.3, 0.5, 0.7]), [2, 1, 1, 3], [new Uint8Array(1), new Uint8Array(1)], [1, 1], new Float32Array([0, 1, 0, 0, 1, 0]));
    const r = stats.summarise('val');
    expect(r.liveCount).toBe(3);
    expect(r.weights).toEqual([0, 1, 0]);
    expect(r.effectiveTokens).toBe(1);
  });

  it('refuses token weights of the wrong size, or for some batches and not others', () => {
    const bg = new Uint8Array(1);
    const sized = new TokenStats(2, ['background']);
    expect(() => sized.add(new Float32Array(2), [1, 1, 1, 2], [bg], [1, 1], new Float32Array(3))).toThrow(/3 token weights, expected 1×2/);
    const first = new TokenStats(2, ['background']);
    first.add(new Float32Array(2), [1, 1, 1, 2], [bg], [1, 1], new Float32Array([0.5, 0.5]));
    expect(() => first.add(new Float32Array(2), [1, 1, 1, 2], [bg], [1, 1])).toThrow(/some batches and not for others/);
    const later = new TokenStats(2, ['background']);
    later.add(new Float32Array(2), [1, 1, 1, 2], [bg], [1, 1]);
    expect(() => later.add(new Float32Array(2), [1, 1, 1, 2], [bg], [1, 1], new Float32Array([0.5, 0.5]))).toThrow(/some batches and not for others/);
  });

  it('refuses masks that do not match', () => {
    const stats = new TokenStats(3, ['background']);
    expect(() => stats.add(new Float32Array(8), [1, 2, 2, 2], [new Uint8Array(4)], [2, 2])).toThrow(/2 tokens, expected 3/);
  });
});

describe('reportBudget', () => {
  it('keeps the pixels of 256 scenes at 64×64, at least 16 scenes, batches that shrink with the input', () => {
    expect(reportBudget(64)).toEqual({ scenes: 256, batch: 16 });
    expect(reportBudget(128)).toEqual({ scenes: 64, batch: 4 });
    expect(reportBudget(256)).toEqual({ scenes: 16, batch: 1 });
    expect(reportBudget(512)).toEqual({ scenes: 16, batch: 1 });
    expect(reportBudget(32)).toEqual({ scenes: 256, batch: 16 });
  });
});

describe('tokenReport', () => {
  it('batches the scenes through the backbone and leaves no tensor behind', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const backbone = tf.model({ inputs: input, outputs: tf.layers.conv2d({ filters: 4, kernelSize: 2, strides: 2, kernelInitializer: 'ones' }).apply(input) as tf.SymbolicTensor });
    const tokens = ReceptiveTokens.create({ numTokens: 3, channels: 4, seed: 1 });
    const scene = (v: number) => ({
      height: 8,
      width: 8,
      image: new Float32Array(8 * 8 * 3).fill(v),
      labels: new Uint8Array(64).map((_, i) => (i % 8 < 4 ? 1 : 0)),
      boxes: [],
      digits: [],
    });
    const scenes = [0.1, 0.5, 0.9, 0.2, 0.3].map(scene);
    const before = tf.memory().numTensors;
    const r = await tokenReport(backbone, tokens, scenes, 'val', ['background', '0'], 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.scenes).toBe(5);
    expect(r.perClass).toHaveLength(3);
    // The areas are the masks' means over every scene and pixel, computed here in one go.
    const direct = tf.tidy(() => {
      const feature = backbone.predict(tf.stack(scenes.map((s) => tf.tensor3d(s.image, [8, 8, 3])))) as tf.Tensor4D;
      return tf.mean(receptiveMasks(feature, tokens.tensor), [0, 1, 2]).arraySync() as number[];
    });
    r.area.forEach((a, j) => expect(a).toBeCloseTo(direct[j], 5));
    expect(r).toMatchObject({ split: 'val', weights: null, effectiveTokens: null });

    // With the branch: the mean of its softmax over the five scenes, batch by batch as in one go.
    const branch = TokenWeightBranch.create({ channels: 4, numTokens: 3, seed: 7 });
    const before2 = tf.memory().numTensors;
    const rw = await tokenReport(backbone, tokens, scenes, 'val', ['background', '0'], 2, branch);
    expect(tf.memory().numTensors).toBe(before2);
    const w = tf.tidy(() => {
      const feature = backbone.predict(tf.stack(scenes.map((s) => tf.tensor3d(s.image, [8, 8, 3])))) as tf.Tensor4D;
      return tf.mean(branch.apply(feature), 0).arraySync() as number[];
    });
    expect(rw.weights).toHaveLength(3);
    rw.weights!.forEach((v, j) => expect(v).toBeCloseTo(w[j], 5));
    expect(rw.weights!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const entropy = -w.reduce((acc, p) => acc + (p > 0 ? p * Math.log(p) : 0), 0);
    expect(rw.effectiveTokens).toBeCloseTo(Math.exp(entropy), 4);
    // The masks do not depend on the branch.
    expect(rw.area).toEqual(r.area);
    branch.dispose();
    tokens.dispose();
    backbone.dispose();
  });
});
