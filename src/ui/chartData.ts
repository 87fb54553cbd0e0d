// From stored history to what a chart draws: pick series, smooth, log-filter, downsample.
import { METHODS } from '../maskd/methodInfo';
import type { Series } from '../share/series';
import { lttb, positiveOnly, smooth, type XY } from '../viz/downsample';

export const MAX_DRAWN_POINTS = 500;

/** Colour-blind-safe palette (Okabe–Ito) for chart lines, in order. */
export const LINE_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000'];

export interface ChartLine {
  readonly id: string;
  readonly label: string;
  readonly points: readonly XY[];
}

export interface LineOptions {
  readonly logScale: boolean;
  readonly smoothing: number;
  readonly maxPoints?: number;
}

const TERM_ORDER = ['total', 'task', 'dice', 'distill'];

function termRank(term: string): number {
  const i = TERM_ORDER.indexOf(term);
  return i < 0 ? TERM_ORDER.length : i;
}

/** Distinct methods among the series (null for stage 1). */
export function methodsOf(series: readonly Series[]): (Series['method'])[] {
  return [...new Set(series.map((s) => s.method))];
}

export function termsOf(series: readonly Series[]): string[] {
  return [...new Set(series.map((s) => s.term))].sort((a, b) => termRank(a) - termRank(b));
}

/**
 * One line per term for a single method; with several methods (compare mode), one line per
 * method for `term`.
 */
export function chartLines(series: readonly Series[], term: string, opts: LineOptions): ChartLine[] {
  const multi = methodsOf(series).length > 1;
  const chosen = multi ? series.filter((s) => s.term === term) : [...series].sort((a, b) => termRank(a.term) - termRank(b.term));
  return chosen.map((s) => {
    let pts = smooth(s.points, opts.smoothing);
    if (opts.logScale) pts = positiveOnly(pts);
    const method = s.method ? METHODS[s.method].label : null;
    return {
      id: s.key,
      label: multi ? (method ?? s.term) : method && s.stage === 'distill' ? `${s.term} (${method})` : s.term,
      points: lttb(pts, opts.maxPoints ?? MAX_DRAWN_POINTS),
    };
  });
}

/** A labelled vertical line on a chart at step `x`. */
export interface ChartMarker {
  readonly x: number;
  readonly label: string;
}

/**
 * The step MasKD's custom mask switched on, as a marker for charts of stage 2 that draw a MasKD
 * curve (none otherwise, or when it never switched on).
 */
export function customMaskMarkers(series: readonly Series[], from: number | null): ChartMarker[] {
  if (from === null || !series.some((s) => s.stage === 'distill' && s.method === 'maskd')) return [];
  return [{ x: from, label: `custom mask on (step ${from})` }];
}

/**
 * Where a run went on in PyTorch (a run file from train.py): a marker between the browser's last
 * step and PyTorch's first, on charts of stage 2 that draw points past it (none otherwise).
 */
export function handoverMarkers(series: readonly Series[], handoverStep: number | null): ChartMarker[] {
  if (handoverStep === null || !series.some((s) => s.stage === 'distill' && s.points.some((p) => p.x > handoverStep))) return [];
  return [{ x: handoverStep + 0.5, label: `PyTorch from step ${handoverStep + 1}` }];
}

/** Total points drawn (the e2e tests read it from the chart's data-points). */
export const drawnPoints = (lines: readonly ChartLine[]): number => lines.reduce((n, l) => n + l.points.length, 0);
