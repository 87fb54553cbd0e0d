import { describe, expect, it } from 'vitest';
import { ci95, formatInterval, holm, pairedDiff, pairedTest, sd, t975, tTwoSidedP, verdictOf } from './stats';

describe('t975', () => {
  it('reads the table for small df and follows it smoothly beyond', () => {
    expect(t975(1)).toBe(12.706);
    expect(t975(4)).toBe(2.776);
    expect(t975(30)).toBe(2.042);
    // Standard tables: df 40 → 2.021, 60 → 2.000, 120 → 1.980.
    expect(t975(40)).toBeCloseTo(2.021, 3);
    expect(t975(60)).toBeCloseTo(2.0, 3);
    expect(t975(120)).toBeCloseTo(1.98, 3);
    expect(() => t975(0)).toThrow(/df/);
  });
});

describe('ci95', () => {
  it('is mean ± t·sd/√n, worked by hand for five values', () => {
    // 1..5: mean 3, sd √2.5 = 1.5811; half = 2.776 · 1.5811 / √5 = 1.9630.
    const i = ci95([1, 2, 3, 4, 5]);
    expect(sd([1, 2, 3, 4, 5])).toBeCloseTo(1.58114, 5);
    expect(i.mean).toBe(3);
    expect(i.half).toBeCloseTo(1.963, 3);
    expect(i.n).toBe(5);
    expect(formatInterval(i)).toBe('3.000 ± 1.963');
  });

  it('has no width from one value', () => {
    expect(Number.isNaN(ci95([0.5]).half)).toBe(true);
    expect(formatInterval(ci95([0.5]))).toBe('0.500');
  });
});

describe('pairedDiff', () => {
  it('pairs by position: a constant shift is certain although each method varies a lot', () => {
    const a = [0.1, 0.5, 0.9, 0.3, 0.7];
    const b = a.map((x) => x - 0.02);
    const d = pairedDiff(a, b);
    expect(d.mean).toBeCloseTo(0.02, 12);
    expect(d.half).toBeCloseTo(0, 12);
    expect(verdictOf(d)).toBe('higher');
    // Unpaired, the same numbers overlap completely.
    expect(ci95(a).half).toBeGreaterThan(0.3);
  });

  it('says not distinguishable when the interval holds zero', () => {
    expect(verdictOf(pairedDiff([1, 2, 3], [1.5, 1.5, 3]))).toBe('not distinguishable');
    expect(verdictOf(pairedDiff([0, 0, 0], [1, 1.1, 0.9]))).toBe('lower');
    expect(() => pairedDiff([1], [1, 2])).toThrow(/1 values against 2/);
  });
});

describe('tTwoSidedP', () => {
  it('gives 0.05 at the tabled 97.5% quantiles and the closed forms of df 1 and 2', () => {
    for (const df of [1, 2, 4, 10, 30]) expect(tTwoSidedP(t975(df), df)).toBeCloseTo(0.05, 4);
    // df 1 is Cauchy: p = 1 − (2/π)·atan|t|; df 2: p = 1 − |t|/√(t² + 2).
    for (const t of [0.3, 1, 2.5, 9]) {
      expect(tTwoSidedP(t, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(t), 10);
      expect(tTwoSidedP(-t, 2)).toBeCloseTo(1 - t / Math.sqrt(t * t + 2), 10);
    }
    expect(tTwoSidedP(0, 5)).toBeCloseTo(1, 12);
    expect(tTwoSidedP(Infinity, 5)).toBe(0);
  });

  it('matches the normal tail for large df', () => {
    // Two-sided normal p at 1.959964 is 0.05; at 2.575829 it is 0.01.
    expect(tTwoSidedP(1.959964, 1e6)).toBeCloseTo(0.05, 5);
    expect(tTwoSidedP(2.575829, 1e6)).toBeCloseTo(0.01, 5);
  });
});

describe('pairedTest', () => {
  it('is the t-test of the differences, worked by hand', () => {
    // Differences 0.1, 0.2, 0.3: mean 0.2, sd 0.1, se 0.1/√3, t = 2√3 = 3.4641, df 2 → p = 1 − t/√(t² + 2) = 0.07418.
    const r = pairedTest([1.1, 1.2, 1.3], [1, 1, 1]);
    expect(r.mean).toBeCloseTo(0.2, 12);
    expect(r.p).toBeCloseTo(1 - 3.4641016 / Math.sqrt(12 + 2), 6);
    expect(r.p).toBeCloseTo(0.07418, 4);
    expect(pairedTest([1, 2], [0, 1]).p).toBe(0);
    expect(pairedTest([1, 2], [1, 2]).p).toBe(1);
    expect(Number.isNaN(pairedTest([1], [0]).p)).toBe(true);
  });
});

describe('holm', () => {
  it('multiplies the k-th smallest by m − k and keeps the adjusted values monotone', () => {
    // Sorted 0.01, 0.03, 0.04 → 0.03, 0.06, max(0.06, 0.04) = 0.06; back in the input's order.
    const adj = holm([0.01, 0.04, 0.03]);
    expect(adj[0]).toBeCloseTo(0.03, 12);
    expect(adj[1]).toBeCloseTo(0.06, 12);
    expect(adj[2]).toBeCloseTo(0.06, 12);
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
    const withNaN = holm([NaN, 0.02, 0.2]);
    expect(Number.isNaN(withNaN[0])).toBe(true);
    expect(withNaN[1]).toBeCloseTo(0.04, 12);
    expect(withNaN[2]).toBeCloseTo(0.2, 12);
  });
});
