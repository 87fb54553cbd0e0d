import { describe, expect, it } from 'vitest';
import type { Series, SeriesMap } from '../share/series';
import { comparisonLayout, LIVE_POINTS, liveGeometry, liveLines } from './liveChart';

const series = (stage: Series['stage'], method: Series['method'], term: string, ys: number[]): Series => ({
  key: `${stage}:${method ?? '-'}:${term}`,
  stage,
  method,
  term,
  points: ys.map((y, i) => ({ x: i + 1, y })),
});
const map = (...s: Series[]): SeriesMap => Object.fromEntries(s.map((x) => [x.key, x]));
const opts = { logScale: false, smoothing: 0 };

describe('live loss curve', () => {
  it('draws the total loss of the stage asked for, one line per method', () => {
    const losses = map(
      series('masks', null, 'total', [3, 2, 1]),
      series('masks', null, 'dice', [1, 1, 1]),
      series('distill', 'none', 'total', [5, 4]),
      series('distill', 'maskd', 'total', [6, 3]),
      series('distill', 'maskd', 'distill', [1, 1]),
    );
    const masks = liveLines(losses, 'masks', opts);
    expect(masks.map((l) => l.label)).toEqual(['total loss']);
    expect(masks[0].points.map((p) => p.y)).toEqual([3, 2, 1]);
    expect(liveLines(losses, 'distill', opts).length).toBe(2);
    expect(liveLines(losses, 'teacher', opts)).toEqual([]);
  });

  it('keeps at most LIVE_POINTS points per line', () => {
    const long = map(series('masks', null, 'total', Array.from({ length: 5000 }, (_, i) => 1 / (i + 1))));
    expect(liveLines(long, 'masks', opts)[0].points.length).toBe(LIVE_POINTS);
  });

  it('scales the lines into the box together, y down', () => {
    const lines = liveLines(map(series('distill', 'none', 'total', [4, 2]), series('distill', 'maskd', 'total', [3, 1])), 'distill', opts);
    const g = liveGeometry(lines, 100, 20, false)!;
    expect(g).toMatchObject({ yMin: 1, yMax: 4, xMin: 1, xMax: 2 });
    expect(g.paths[0]).toBe('M0.0 2.0 L100.0 12.7');
    expect(g.paths[1]).toBe('M0.0 7.3 L100.0 18.0');
    // Log scale: decades are evenly spaced; a single point sits mid-box.
    expect(liveGeometry([{ id: 'a', label: 'a', points: [{ x: 1, y: 100 }, { x: 2, y: 10 }, { x: 3, y: 1 }] }], 100, 20, true)!.paths[0]).toBe(
      'M0.0 2.0 L50.0 10.0 L100.0 18.0',
    );
    expect(liveGeometry([{ id: 'a', label: 'a', points: [{ x: 5, y: 0.3 }] }], 100, 20, false)!.paths[0]).toBe('M50.0 10.0');
    expect(liveGeometry([], 100, 20, false)).toBeNull();
  });

  it('places a marker at its step on the same x scale, and drops one outside the drawn steps', () => {
    // Steps 1–11 over 100 px: step 3 sits at (3 − 1)/10 · 100 = 20 px.
    const line = [{ id: 'a', label: 'a', points: Array.from({ length: 11 }, (_, i) => ({ x: i + 1, y: 1 / (i + 1) })) }];
    const g = liveGeometry(line, 100, 20, false, [{ x: 3, label: 'custom mask on (step 3)' }, { x: 40, label: 'later' }])!;
    expect(g.markers).toEqual([{ x: 20, step: 3, label: 'custom mask on (step 3)' }]);
    expect(liveGeometry(line, 100, 20, false)!.markers).toEqual([]);
  });
});

describe('a comparison on the live curve', () => {
  it('lays the methods end to end on the comparison’s steps and marks where each starts', () => {
    const losses = map(series('distill', 'none', 'total', [5, 4, 3]), series('distill', 'maskd', 'total', [6, 2]));
    const lines = liveLines(losses, 'distill', opts);
    // 3 steps per run: MasKD (second) draws at 3 + 1 and 3 + 2; the custom mask at its step 2 is comparison step 5.
    const laid = comparisonLayout(lines, ['none', 'maskd'], 3, 2);
    expect(laid.lines.find((l) => l.id === 'distill:maskd:total')?.points.map((p) => p.x)).toEqual([4, 5]);
    expect(laid.lines.find((l) => l.id === 'distill:none:total')?.points.map((p) => p.x)).toEqual([1, 2, 3]);
    expect(laid.starts.map((s) => [s.method, s.x, s.text])).toEqual([['none', 1, 'none'], ['maskd', 4, 'MasKD']]);
    expect(laid.customMask).toEqual([{ x: 5, label: "custom mask on (MasKD's step 2)" }]);
    // A method not started yet has no marker.
    expect(comparisonLayout(lines, ['none', 'maskd', 'cwd'], 3, null).starts.map((s) => s.method)).toEqual(['none', 'maskd']);
  });
});
