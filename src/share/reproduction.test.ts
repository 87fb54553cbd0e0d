import { describe, expect, it } from 'vitest';
import { readReproductions, reproductionDataSource } from '../../scripts/reproduction-summary';
import { REPRODUCTIONS } from './reproductionData';
import { reproductionBudget, reproductionForRun, reproductionOf, summariseReproduction, type ReproductionResultsFile } from './reproduction';
import { ci95, formatInterval } from './stats';

describe('the bundled reproduction summary', () => {
  it('is what scripts/results{,/fresh-2000}/reproduce-<task>.json hold (run `npx tsx scripts/reproduction-summary.ts` after a reproduction)', () => {
    const fromFiles = readReproductions();
    expect(fromFiles.map((r) => `${r.task} ${r.studentInit} ${r.steps}`)).toEqual([
      'segmentation pretrained 4000',
      'detection pretrained 3000',
      'segmentation fresh 2000',
      'detection fresh 2000',
    ]);
    expect(REPRODUCTIONS).toEqual(fromFiles);
    // Small: a few numbers per method, not the files' curves.
    expect(reproductionDataSource(fromFiles).length).toBeLessThan(6000);
  });

  it('gives the tables of docs/experiments.md through the one statistics module, for the students’ start asked', () => {
    const interval = (task: string, init: string, m: string) => {
      const r = reproductionOf(task, init);
      if (!r) throw new Error(`no ${init} reproduction shipped for ${task}`);
      return formatInterval(ci95(r.methods.find((x) => x.method === m)?.values ?? []));
    };
    // docs/experiments.md, "Reproducing the paper's comparison": the plateau tables (pretrained students) …
    expect(interval('segmentation', 'pretrained', 'none')).toBe('0.467 ± 0.008');
    expect(interval('segmentation', 'pretrained', 'maskd')).toBe('0.443 ± 0.014');
    expect(interval('detection', 'pretrained', 'none')).toBe('0.673 ± 0.017');
    expect(interval('detection', 'pretrained', 'maskd')).toBe('0.622 ± 0.020');
    // … and the earlier one with fresh students.
    expect(interval('segmentation', 'fresh', 'none')).toBe('0.273 ± 0.041');
    expect(interval('segmentation', 'fresh', 'maskd')).toBe('0.335 ± 0.028');
    expect(interval('detection', 'fresh', 'fitnet')).toBe('0.542 ± 0.005');
    expect(interval('detection', 'fresh', 'maskd')).toBe('0.563 ± 0.031');
    expect(reproductionBudget(reproductionOf('segmentation', 'pretrained')!)).toBe('4000 steps × batch 8, 5 seeds, pretrained student init');
    expect(reproductionBudget(reproductionOf('segmentation', 'fresh')!)).toBe('2000 steps × batch 8, 5 seeds, fresh student init');
    expect(reproductionOf('custom', 'pretrained')).toBeNull();
  });

  it('beside a live comparison: the one of the students’ start, only for the shipped teacher and the same metric', () => {
    const run = { task: 'segmentation', studentInit: 'pretrained', teacherSource: 'builtin:segmentation-teacher', metricName: 'mIoU' };
    expect(reproductionForRun(run)?.steps).toBe(4000);
    expect(reproductionForRun({ ...run, studentInit: 'fresh' })?.steps).toBe(2000);
    expect(reproductionForRun({ ...run, metricName: undefined })?.studentInit).toBe('pretrained');
    expect(reproductionForRun({ ...run, teacherSource: 'user:teacher.onnx' })).toBeNull();
    expect(reproductionForRun({ ...run, metricName: 'AP@0.5' })).toBeNull();
    expect(reproductionForRun({ ...run, task: 'detection', teacherSource: 'builtin:detection-teacher', metricName: 'AP@0.5' })?.steps).toBe(3000);
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
