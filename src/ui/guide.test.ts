import { describe, expect, it } from 'vitest';
import type { Series } from '../share/series';
import { guideCurrent, guideDone, type GuideState } from './guide';

const series = (stage: Series['stage'], method: Series['method'], n: number): Series => ({
  key: `${stage}:${method ?? '-'}:total`,
  stage,
  method,
  term: 'total',
  points: Array.from({ length: n }, (_, i) => ({ x: i + 1, y: 1 / (i + 1) })),
});

const state = (over: Partial<GuideState> = {}): GuideState => ({ losses: {}, runKind: null, comparedMethods: null, compareRows: [], ...over });
const row = (method: 'none' | 'maskd') => ({ method, metric: 0.5, scored: { split: 'test', scenes: 128 }, bestVal: null, metricName: 'mIoU', finalLoss: 0.1, msPerStep: 30, curve: [] }) as GuideState['compareRows'][number];

describe('first-run guide', () => {
  it('starts at step 1 on a fresh page (shipped tokens do not count as learnt here)', () => {
    expect(guideCurrent(state())).toBe('masks');
  });

  it('moves on as runs end, not while they run', () => {
    const masks = { m: series('masks', null, 3) };
    expect(guideDone(state({ losses: masks, runKind: 'masks' }), 'masks')).toBe(false);
    expect(guideCurrent(state({ losses: masks }))).toBe('distill');
    const both = { ...masks, d: series('distill', 'maskd', 2) };
    expect(guideCurrent(state({ losses: both, runKind: 'distill' }))).toBe('distill');
    expect(guideCurrent(state({ losses: both }))).toBe('compare');
  });

  it('a comparison is done when every method it ran has a row', () => {
    const losses = { m: series('masks', null, 3), d: series('distill', 'maskd', 2) };
    const compared = { losses, comparedMethods: ['none', 'maskd'] as GuideState['comparedMethods'] };
    expect(guideCurrent(state({ ...compared, runKind: 'compare', compareRows: [row('none')] }))).toBe('compare');
    // A comparison started before any Distill: step 3 is in progress, step 2 counts as done.
    expect(guideCurrent(state({ losses: { m: losses.m }, comparedMethods: ['maskd'], runKind: 'compare' }))).toBe('compare');
    expect(guideCurrent(state({ ...compared, compareRows: [row('none')] }))).toBe('compare');
    expect(guideCurrent(state({ ...compared, compareRows: [row('none'), row('maskd')] }))).toBeNull();
  });

  it('empty series do not count', () => {
    expect(guideDone(state({ losses: { m: series('masks', null, 0) } }), 'masks')).toBe(false);
  });
});
