import { describe, expect, it } from 'vitest';
import type { CompareRow } from '../src/engine/runResults';
import { mergeResults, type Results } from './reproduceResults';

const row = (method: 'none' | 'maskd', metric: number): CompareRow =>
  ({ method, seed: 0, metric, metricName: 'mIoU', finalLoss: 1, msPerStep: 10, curve: [], bestVal: null, scored: { split: 'test', scenes: 4 } }) as CompareRow;

const results = (seeds: number[], over: Partial<Results> = {}): Results => ({
  task: 'segmentation',
  settings: { methods: ['none', 'maskd'], backend: 'wasm', config: { steps: 10, batchSize: 2, lr: 0.01, evalEvery: 5, valCount: 2, testCount: 4, params: {} } },
  teacher: { name: 'mIoU', value: 0.75 },
  runtime: 'Node',
  runs: seeds.map((seed) => ({ seed, rows: [row('none', seed / 10), row('maskd', seed / 10 + 0.05)], wallS: seed })),
  ...over,
});

describe('mergeResults', () => {
  it('adds the seeds the other file has and this one lacks, in seed order', () => {
    const merged = mergeResults(results([1, 2, 3]), results([5, 4]));
    expect(merged.runs.map((r) => r.seed)).toEqual([1, 2, 3, 4, 5]);
    expect(merged.runs[3].rows[1].metric).toBeCloseTo(0.45, 12);
    // A seed both files ran with the same rows is kept once.
    expect(mergeResults(results([1, 2]), results([2, 3])).runs.map((r) => r.seed)).toEqual([1, 2, 3]);
  });

  it('takes the other file whole into an empty one', () => {
    const merged = mergeResults(results([], { teacher: null, runtime: '' }), results([4, 5]));
    expect(merged.runs.map((r) => r.seed)).toEqual([4, 5]);
    expect(merged.teacher).toEqual({ name: 'mIoU', value: 0.75 });
    expect(merged.runtime).toBe('Node');
  });

  it('refuses other settings, another teacher, another task, and a seed with different rows', () => {
    const a = results([1]);
    expect(() => mergeResults(a, results([2], { settings: { ...a.settings, backend: 'cpu' } }))).toThrow(/other settings/);
    expect(() => mergeResults(a, results([2], { teacher: { name: 'mIoU', value: 0.7 } }))).toThrow(/another teacher/);
    expect(() => mergeResults(a, results([2], { task: 'detection' }))).toThrow(/detection results into segmentation/);
    const other = results([1]);
    other.runs[0].rows[0] = row('none', 0.9);
    expect(() => mergeResults(a, other)).toThrow(/seed 1 is in both files/);
  });
});
