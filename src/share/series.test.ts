import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../engine/progress';
import { appendLosses, appendMetric, dropRun, seriesKey, seriesOfStage, type SeriesMap } from './series';

const progress = (step: number, extra: Partial<RunProgress> = {}): RunProgress => ({
  runId: 1,
  stage: 'masks',
  step,
  total: 10,
  losses: { task: 1 / (step + 1), dice: 0.5, total: 1 / (step + 1) + 0.5 },
  msPerStep: 10,
  etaMs: 100,
  numTensors: 5,
  ...extra,
});

describe('series', () => {
  it('keeps one series per stage, method and term with every step', () => {
    let m: SeriesMap = {};
    for (let s = 0; s < 5; s++) m = appendLosses(m, progress(s));
    expect(Object.keys(m).sort()).toEqual(['masks:-:dice', 'masks:-:task', 'masks:-:total']);
    expect(m[seriesKey('masks', null, 'task')].points.map((p) => p.x)).toEqual([0, 1, 2, 3, 4]);
  });

  it('separates methods and keeps metrics apart', () => {
    let m: SeriesMap = {};
    m = appendLosses(m, progress(0, { stage: 'distill', method: 'fitnet', losses: { total: 2 } }));
    m = appendLosses(m, progress(0, { stage: 'distill', method: 'maskd', losses: { total: 1 } }));
    expect(seriesOfStage(m, 'distill')).toHaveLength(2);
    let metrics: SeriesMap = appendMetric({}, progress(3, { stage: 'distill', method: 'maskd', metric: { name: 'mIoU', value: 0.4 } }));
    metrics = appendMetric(metrics, progress(4));
    expect(Object.keys(metrics)).toEqual(['distill:maskd:mIoU']);
  });

  it('overwrites a repeated or earlier step (resume) instead of going back in x', () => {
    let m: SeriesMap = {};
    for (const s of [0, 1, 2, 1]) m = appendLosses(m, progress(s));
    expect(m['masks:-:task'].points.map((p) => p.x)).toEqual([0, 1]);
  });

  it('drops only the series of the run being restarted', () => {
    let m: SeriesMap = appendLosses({}, progress(0));
    m = appendLosses(m, progress(0, { stage: 'distill', method: 'none', losses: { total: 1 } }));
    expect(Object.keys(dropRun(m, 'masks', [null]))).toEqual(['distill:none:total']);
  });
});
