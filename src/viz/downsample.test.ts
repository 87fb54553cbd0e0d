import { describe, expect, it } from 'vitest';
import { lttb, positiveOnly, smooth, type XY } from './downsample';

const series = (n: number, f: (i: number) => number): XY[] => Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) }));

describe('lttb', () => {
  it('returns short series unchanged', () => {
    const s = series(10, (i) => i * i);
    expect(lttb(s, 500)).toBe(s);
  });

  it('caps a long series at the threshold, keeping both ends and x order', () => {
    const s = series(10_000, (i) => Math.sin(i / 50));
    const d = lttb(s, 500);
    expect(d).toHaveLength(500);
    expect(d[0]).toBe(s[0]);
    expect(d[d.length - 1]).toBe(s[s.length - 1]);
    for (let i = 1; i < d.length; i++) expect(d[i].x).toBeGreaterThan(d[i - 1].x);
  });

  it('keeps a single spike that bucket averaging would flatten', () => {
    const s = series(5000, (i) => (i === 2345 ? 100 : 1));
    expect(lttb(s, 200).some((p) => p.y === 100)).toBe(true);
  });

  it('drops non-finite values instead of drawing them', () => {
    const s = series(20, (i) => (i === 3 ? Number.NaN : i === 4 ? Infinity : i));
    expect(lttb(s, 500).every((p) => Number.isFinite(p.y))).toBe(true);
  });
});

describe('smooth', () => {
  it('is the identity at weight 0 and debiased from the first point', () => {
    const s = series(5, (i) => i);
    expect(smooth(s, 0)).toBe(s);
    expect(smooth(s, 0.9)[0].y).toBeCloseTo(0);
    expect(smooth(series(3, () => 7), 0.9).map((p) => p.y)).toEqual([7, 7, 7].map((v) => expect.closeTo(v, 9)));
  });

  it('reduces the variance of a noisy series', () => {
    const s = series(400, (i) => 1 + (i % 2 ? 0.5 : -0.5));
    const sm = smooth(s, 0.9).slice(50);
    expect(Math.max(...sm.map((p) => Math.abs(p.y - 1)))).toBeLessThan(0.1);
  });
});

describe('positiveOnly', () => {
  it('removes points a log axis cannot show', () => {
    expect(positiveOnly([{ x: 0, y: 0 }, { x: 1, y: -1 }, { x: 2, y: 0.5 }])).toEqual([{ x: 2, y: 0.5 }]);
  });
});
