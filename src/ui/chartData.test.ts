import { describe, expect, it } from 'vitest';
import type { Series } from '../share/series';
import { chartLines, customMaskMarkers, drawnPoints, handoverMarkers, termsOf } from './chartData';

const mk = (method: Series['method'], term: string, n: number, f = (i: number) => 1 + i): Series => ({
  key: `distill:${method ?? '-'}:${term}`,
  stage: 'distill',
  method,
  term,
  points: Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) })),
});

describe('chartLines', () => {
  it('draws every term of a single run, total first, capped at 500 points each', () => {
    const lines = chartLines([mk('maskd', 'task', 3000), mk('maskd', 'total', 3000)], 'total', { logScale: false, smoothing: 0 });
    expect(lines.map((l) => l.label)).toEqual(['total (MasKD)', 'task (MasKD)']);
    expect(lines.every((l) => l.points.length === 500)).toBe(true);
    expect(drawnPoints(lines)).toBe(1000);
  });

  it('in compare mode draws one line per method for the chosen term', () => {
    const s = [mk('none', 'total', 10), mk('maskd', 'total', 10), mk('maskd', 'distill', 10)];
    const lines = chartLines(s, 'total', { logScale: false, smoothing: 0 });
    expect(lines.map((l) => l.label)).toEqual(['No distillation', 'MasKD']);
  });

  it('drops non-positive values on a log scale', () => {
    const lines = chartLines([mk(null, 'dice', 10, (i) => i - 2)], 'total', { logScale: true, smoothing: 0 });
    expect(lines[0].points.every((p) => p.y > 0)).toBe(true);
    expect(lines[0].points).toHaveLength(7);
  });

  it('marks the step MasKD’s custom mask switched on, only on charts with a MasKD curve', () => {
    expect(customMaskMarkers([mk('none', 'total', 3), mk('maskd', 'total', 3)], 9)).toEqual([{ x: 9, label: 'custom mask on (step 9)' }]);
    expect(customMaskMarkers([mk('none', 'total', 3), mk('fitnet', 'total', 3)], 9)).toEqual([]);
    expect(customMaskMarkers([mk('maskd', 'total', 3)], null)).toEqual([]);
  });

  it('marks the hand-over to PyTorch between its last browser step and the next, only on a curve that goes past it', () => {
    // Points at steps 0–4: the browser took 0–2, PyTorch 3–4.
    expect(handoverMarkers([mk('maskd', 'total', 5)], 2)).toEqual([{ x: 2.5, label: 'PyTorch from step 3' }]);
    expect(handoverMarkers([mk('maskd', 'total', 3)], 2)).toEqual([]);
    expect(handoverMarkers([{ ...mk(null, 'dice', 5), stage: 'masks' }], 2)).toEqual([]);
    expect(handoverMarkers([mk('maskd', 'total', 5)], null)).toEqual([]);
  });

  it('orders terms for the term picker', () => {
    expect(termsOf([mk(null, 'dice', 1), mk(null, 'task', 1), mk(null, 'total', 1)])).toEqual(['total', 'task', 'dice']);
  });
});
