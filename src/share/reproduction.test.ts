import { describe, expect, it } from 'vitest';
import { readReproductions, reproductionDataSource } from '../../scripts/reproduction-summary';
import { REPRODUCTIONS } from './reproductionData';
import { reproductionBudget, reproductionOf, summariseReproduction, type ReproductionResultsFile } from './reproduction';
import { ci95, formatInterval } from './stats';

describe('the bundled reproduction summary', () => {
  it('is what scripts/results/reproduce-<task>.json hold (run `npx tsx scripts/reproduction-summary.ts` after a reproduction)', () => {
    const fromFiles = readReproductions();
    expect(fromFiles.map((r) => r.task)).toEqual(['segmentation', 'detection']);
    expect(REPRODUCTIONS).toEqual(fromFiles);
    // Small: a few numbers per method, not the files' curves.
    expect(reproductionDataSource(fromFiles).length).toBeLessThan(4000);
  });

  it('gives the tables of docs/experiments.md through the one statistics module', () => {
    const seg = reproductionOf('segmentation');
    const det = reproductionOf('detection');
    if (!seg || !det) throw new Error('no reproduction shipped');
    const interval = (r: typeof seg, m: string) => formatInterval(ci95(r.methods.find((x) => x.method === m)?.values ?? []));
    // docs/experiments.md, "Reproducing the paper's comparison".
    expect(interval(seg, 'none')).toBe('0.273 ± 0.041');
    expect(interval(seg, 'maskd')).toBe('0.335 ± 0.028');
    expect(interval(det, 'fitnet')).toBe('0.542 ± 0.005');
    expect(interval(det, 'maskd')).toBe('0.563 ± 0.031');
    expect(reproductionBudget(seg)).toBe('2000 steps × batch 8, 5 seeds, fresh student init');
    expect(reproductionOf('custom')).toBeNull();
  });
});

describe('summariseReproduction', () => {
  const file = (init?: string): ReproductionResultsFile => ({
    task: 'detection',
    settings: { methods: ['none', 'maskd'], config: { steps: 10, batchSize: 2, lr: 0.01, testCount: 4 }, ...(init ? { studentInit: init } : {}) },
    teacher: { value: 0.123456789 },
    runs: [
      { seed: 3, rows: [{ method: 'none', metric: 0.1, metricName: 'AP@0.5', scored: { scenes: 4 } }, { method: 'maskd', metric: 0.2000004, metricName: 'AP@0.5' }] },
      // A seed cut short (only one method finished) is left out, so every method has the same seeds.
      { seed: 4, rows: [{ method: 'none', metric: 0.3, metricName: 'AP@0.5' }] },
    ],
  });

  it('keeps the seeds every method finished, rounded, with the budget and the init the file records', () => {
    const s = summariseReproduction(file());
    expect(s.seeds).toEqual([3]);
    expect(s.methods).toEqual([{ method: 'none', values: [0.1] }, { method: 'maskd', values: [0.2] }]);
    expect(s).toMatchObject({ metricName: 'AP@0.5', scenes: 4, steps: 10, batchSize: 2, studentInit: 'fresh', teacher: 0.12346 });
    expect(summariseReproduction(file('pretrained')).studentInit).toBe('pretrained');
  });
});
