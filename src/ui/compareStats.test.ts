import { describe, expect, it } from 'vitest';
import type { CompareRow } from '../engine/runResults';
import { interval, pairedBySeed, starredMethod, summarise } from './compareStats';

const row = (method: CompareRow['method'], seed: number, metric: number, best: number | null = null): CompareRow => ({
  method, seed, metric, scored: { split: 'test', scenes: 128 }, bestVal: best === null ? null : { metric: best, step: 50 },
  metricName: 'mIoU', finalLoss: metric * 10, msPerStep: 100, curve: [],
});

describe('comparison over seeds', () => {
  it('mean ± 95% CI, worked by hand', () => {
    // 0.2, 0.4, 0.6: mean 0.4; sd 0.2 (squares 0.08 / 2 = 0.04); half = t(2) · 0.2 / √3 = 4.303 · 0.11547 = 0.49687.
    const s = interval([0.2, 0.4, 0.6])!;
    expect(s.mean).toBeCloseTo(0.4, 12);
    expect(s.half).toBeCloseTo(0.49687, 4);
    expect(s.n).toBe(3);
    const one = interval([0.3])!;
    expect(one.mean).toBe(0.3);
    expect(one.half).toBeNaN();
    expect(interval([])).toBeNull();
    expect(interval([NaN, 0.5])!.n).toBe(1);
  });

  it('summarises one method’s rows in the comparison’s seed order, its best-validation column too', () => {
    const rows = [row('maskd', 7, 0.6, 0.7), row('none', 7, 0.1), row('maskd', 5, 0.2, 0.3), row('maskd', 6, 0.4, 0.5)];
    const m = summarise(rows, 'maskd', [5, 6, 7]);
    expect(m.rows.map((r) => r.seed)).toEqual([5, 6, 7]);
    expect(m.metric!.mean).toBeCloseTo(0.4, 12);
    expect(m.bestVal!.mean).toBeCloseTo(0.5, 12);
    expect(m.finalLoss!.mean).toBeCloseTo(4, 12);
    const none = summarise(rows, 'none', [5, 6, 7]);
    expect(none.metric!.n).toBe(1);
    expect(none.bestVal).toBeNull();
    expect(summarise(rows, 'cwd', null).metric).toBeNull();
  });

  it('pairs the seeds both methods ran: the difference to the student alone, by hand', () => {
    // Differences per seed 0.10, 0.12, 0.14: mean 0.12, sd 0.02, half = 4.303 · 0.02 / √3 = 0.049687.
    const rows = [row('none', 1, 0.3), row('none', 2, 0.2), row('none', 3, 0.4), row('maskd', 3, 0.54), row('maskd', 1, 0.4), row('maskd', 2, 0.32)];
    const d = pairedBySeed(summarise(rows, 'maskd', [1, 2, 3]), summarise(rows, 'none', [1, 2, 3]))!;
    expect(d.mean).toBeCloseTo(0.12, 12);
    expect(d.half).toBeCloseTo(0.049687, 5);
    // A seed the other has not run yet is left out.
    const partial = pairedBySeed(summarise(rows, 'maskd', [1, 2, 3]), summarise(rows.slice(0, 2), 'none', [1, 2, 3]))!;
    expect(partial.n).toBe(2);
  });
});

describe('the star', () => {
  const summaries = (rows: CompareRow[]) => (['none', 'fitnet', 'maskd'] as const).map((m) => summarise(rows, m, [1, 2, 3]));

  it('never goes to a lone seed, however large the gap', () => {
    expect(starredMethod(summaries([row('none', 1, 0.1), row('fitnet', 1, 0.2), row('maskd', 1, 0.9)]))).toBeNull();
  });

  it('goes to the highest mean when its paired difference to the runner-up is above 0 on the seeds', () => {
    // MasKD − FitNet per seed: 0.05, 0.06, 0.04: mean 0.05, sd 0.01, half 4.303 · 0.01 / √3 = 0.0248: [0.025, 0.075], above 0.
    const rows = [
      row('none', 1, 0.1), row('none', 2, 0.1), row('none', 3, 0.1),
      row('fitnet', 1, 0.30), row('fitnet', 2, 0.31), row('fitnet', 3, 0.32),
      row('maskd', 1, 0.35), row('maskd', 2, 0.37), row('maskd', 3, 0.36),
    ];
    expect(starredMethod(summaries(rows))).toBe('maskd');
  });

  it('is withheld when the lead is inside the seeds’ spread', () => {
    // MasKD − FitNet per seed: 0.05, −0.03, 0.04: mean 0.02, sd 0.0436, half 0.108: [−0.088, 0.128] holds 0.
    const rows = [
      row('none', 1, 0.1), row('none', 2, 0.1), row('none', 3, 0.1),
      row('fitnet', 1, 0.30), row('fitnet', 2, 0.40), row('fitnet', 3, 0.32),
      row('maskd', 1, 0.35), row('maskd', 2, 0.37), row('maskd', 3, 0.36),
    ];
    expect(starredMethod(summaries(rows))).toBeNull();
  });
});
