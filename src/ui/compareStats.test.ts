import { describe, expect, it } from 'vitest';
import type { CompareRow } from '../engine/runResults';
import { spread, summarise } from './compareStats';

const row = (method: CompareRow['method'], seed: number, metric: number, best: number | null = null): CompareRow => ({
  method, seed, metric, scored: { split: 'test', scenes: 128 }, bestVal: best === null ? null : { metric: best, step: 50 },
  metricName: 'mIoU', finalLoss: metric * 10, msPerStep: 100, curve: [],
});

describe('comparison over seeds', () => {
  it('mean ± sample standard deviation, worked by hand', () => {
    // 0.2, 0.4, 0.6: mean 0.4; squares 0.04 + 0 + 0.04 = 0.08; / (3 − 1) = 0.04; √ = 0.2.
    const s = spread([0.2, 0.4, 0.6])!;
    expect(s.mean).toBeCloseTo(0.4, 12);
    expect(s.sd).toBeCloseTo(0.2, 12);
    expect(s.n).toBe(3);
    // 1 and 2: mean 1.5, sd √(0.5) = 0.7071…
    expect(spread([1, 2])!.sd).toBeCloseTo(Math.SQRT1_2, 12);
    expect(spread([0.3])).toEqual({ mean: 0.3, sd: null, n: 1 });
    expect(spread([])).toBeNull();
    expect(spread([NaN, 0.5])).toEqual({ mean: 0.5, sd: null, n: 1 });
  });

  it('summarises one method’s rows in the comparison’s seed order, its best-validation column too', () => {
    const rows = [row('maskd', 7, 0.6, 0.7), row('none', 7, 0.1), row('maskd', 5, 0.2, 0.3), row('maskd', 6, 0.4, 0.5)];
    const m = summarise(rows, 'maskd', [5, 6, 7]);
    expect(m.rows.map((r) => r.seed)).toEqual([5, 6, 7]);
    expect(m.metric!.mean).toBeCloseTo(0.4, 12);
    expect(m.metric!.sd).toBeCloseTo(0.2, 12);
    expect(m.bestVal!.mean).toBeCloseTo(0.5, 12);
    expect(m.finalLoss!.mean).toBeCloseTo(4, 12);
    const none = summarise(rows, 'none', [5, 6, 7]);
    expect(none.metric).toEqual({ mean: 0.1, sd: null, n: 1 });
    expect(none.bestVal).toBeNull();
    expect(summarise(rows, 'cwd', null).metric).toBeNull();
  });
});
