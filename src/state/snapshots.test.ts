import { describe, expect, it } from 'vitest';
import type { MaskSnapshot } from '../engine/progress';
import { addSnapshot, tokenStats } from './snapshots';

function snap(step: number, masks = new Float32Array(4), T = 2, tokenWeights?: Float32Array): MaskSnapshot {
  return {
    step,
    stage: 'masks',
    previews: 1,
    imageSize: [2, 2],
    maskSize: [1, masks.length / T],
    numTokens: T,
    images: new Float32Array(12),
    masks,
    tokenWeights,
  };
}

describe('addSnapshot', () => {
  it('never keeps more than the cap, keeps the first and the newest, in step order', () => {
    let list: MaskSnapshot[] = [];
    for (let s = 0; s <= 1000; s += 5) list = addSnapshot(list, snap(s), 50);
    expect(list).toHaveLength(50);
    expect(list[0].step).toBe(0);
    expect(list[49].step).toBe(1000);
    for (let i = 1; i < list.length; i++) expect(list[i].step).toBeGreaterThan(list[i - 1].step);
  });

  it('thins evenly: no gap is more than a few times the mean gap', () => {
    let list: MaskSnapshot[] = [];
    for (let s = 0; s < 2000; s++) list = addSnapshot(list, snap(s), 20);
    const gaps = list.slice(1).map((x, i) => x.step - list[i].step);
    const mean = 1999 / 19;
    expect(Math.max(...gaps)).toBeLessThan(mean * 3);
  });

  it('replaces a snapshot of the same step instead of duplicating it', () => {
    const a = addSnapshot([snap(3)], snap(3));
    expect(a).toHaveLength(1);
  });
});

describe('tokenStats', () => {
  it('averages area per token over all pixels and weights over previews', () => {
    // 2 pixels x 2 tokens, channels-last: token 0 = [1, 0.5], token 1 = [0, 0]
    const s = snap(0, new Float32Array([1, 0, 0.5, 0]), 2, new Float32Array([0.7, 0.3]));
    const st = tokenStats(s);
    expect(st.areas[0]).toBeCloseTo(0.75);
    expect(st.areas[1]).toBeCloseTo(0);
    expect(st.weights?.[0]).toBeCloseTo(0.7);
    // exp(−(0.7·ln 0.7 + 0.3·ln 0.3)) = exp(0.6108643) = 1.8420228 effective tokens.
    expect(st.effective).toBeCloseTo(1.8420228, 6);
  });

  it('averages the weights over the previews before the effective number: two one-hot previews on different tokens are 2', () => {
    // 2 previews × 1 pixel × 2 tokens; preview 1 weights [1, 0], preview 2 [0, 1]: mean [0.5, 0.5].
    const st = tokenStats({ ...snap(0, new Float32Array([0.5, 0.5, 0.5, 0.5]), 2, new Float32Array([1, 0, 0, 1])), previews: 2, maskSize: [1, 1] });
    expect(st.weights).toEqual([0.5, 0.5]);
    expect(st.effective).toBeCloseTo(2, 12);
  });

  it('has no weights without the branch', () => {
    expect(tokenStats(snap(0))).toMatchObject({ weights: null, effective: null });
  });
});
