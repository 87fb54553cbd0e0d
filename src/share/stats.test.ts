import { describe, expect, it } from 'vitest';
import { ci95, formatInterval, pairedDiff, sd, t975, verdictOf } from './stats';

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
