// The run bar's live loss curve: the current stage's total loss (one line per method when a
// comparison runs), as SVG paths in a fixed box. Plain SVG, not recharts: it redraws on every step.
import { METHODS, type MethodName } from '../maskd/methodInfo';
import type { Series, SeriesMap } from '../share/series';
import { chartLines, type ChartLine } from './chartData';

/** Points per line the live curve keeps (LTTB): enough for its ~300 px width. */
export const LIVE_POINTS = 160;

/** The total loss of `stage` per method (or its first term when it has no total). */
export function liveLines(losses: SeriesMap, stage: Series['stage'], opts: { logScale: boolean; smoothing: number }): ChartLine[] {
  const ofStage = Object.values(losses).filter((s) => s.stage === stage && s.points.length > 0);
  if (!ofStage.length) return [];
  const term = ofStage.some((s) => s.term === 'total') ? 'total' : ofStage[0].term;
  const chosen = ofStage.filter((s) => s.term === term);
  const lines = chartLines(chosen, term, { ...opts, maxPoints: LIVE_POINTS });
  // One method: its line is the loss itself, named so.
  return lines.length === 1 ? [{ ...lines[0], label: `${term} loss` }] : lines;
}

export interface LiveGeometry {
  /** One SVG path per line, in a width × height box (y down). */
  readonly paths: string[];
  readonly yMin: number;
  readonly yMax: number;
  readonly xMin: number;
  readonly xMax: number;
  /** The markers asked for that fall inside the drawn steps, at their x in the box. */
  readonly markers: readonly { readonly x: number; readonly step: number; readonly label: string }[];
}

/** Scales every line into the box together (log10 on y when asked; the lines are then positive). */
export function liveGeometry(
  lines: readonly ChartLine[],
  width: number,
  height: number,
  logScale: boolean,
  markers: readonly { readonly x: number; readonly label: string }[] = [],
): LiveGeometry | null {
  const all = lines.flatMap((l) => l.points).filter((p) => Number.isFinite(p.y) && (!logScale || p.y > 0));
  if (!all.length) return null;
  const ty = (y: number) => (logScale ? Math.log10(y) : y);
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const p of all) {
    xMin = Math.min(xMin, p.x);
    xMax = Math.max(xMax, p.x);
    yMin = Math.min(yMin, p.y);
    yMax = Math.max(yMax, p.y);
  }
  const [a, b] = [ty(yMin), ty(yMax)];
  const spanY = b - a || Math.abs(a) || 1;
  const spanX = xMax - xMin || 1;
  const pad = 2;
  const sx = (x: number) => (xMax === xMin ? width / 2 : ((x - xMin) / spanX) * width);
  const sy = (y: number) => (b === a ? height / 2 : pad + (1 - (ty(y) - a) / spanY) * (height - 2 * pad));
  const paths = lines.map((l) =>
    l.points
      .filter((p) => Number.isFinite(p.y) && (!logScale || p.y > 0))
      .map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)} ${sy(p.y).toFixed(1)}`)
      .join(' '),
  );
  const inside = markers.filter((m) => m.x >= xMin && m.x <= xMax).map((m) => ({ x: sx(m.x), step: m.x, label: m.label }));
  return { paths, yMin, yMax, xMin, xMax, markers: inside };
}

/** A method's start on the live curve of a comparison: its first step on the comparison's axis. */
export interface MethodStart {
  readonly method: MethodName;
  readonly x: number;
  /** Short, for the label over the curve. */
  readonly text: string;
  readonly label: string;
}

const SHORT: Record<MethodName, string> = { none: 'none', fitnet: 'FitNet', cwd: 'CWD', maskd: 'MasKD' };

const methodOfLine = (line: ChartLine): string | undefined => line.id.split(':')[1];

/**
 * A comparison's lines end to end on its own step axis (method k's step s at (k − 1)·steps + s),
 * each method's start marked: the live curve then reads as the comparison's progress. The
 * custom-mask step (MasKD's own) moves with MasKD's line.
 */
export function comparisonLayout(
  lines: readonly ChartLine[],
  methods: readonly MethodName[],
  stepsPerRun: number,
  customMaskFrom: number | null,
): { lines: ChartLine[]; starts: MethodStart[]; customMask: { x: number; label: string }[] } {
  const offset = (m: string | undefined) => Math.max(0, methods.indexOf(m as MethodName)) * stepsPerRun;
  const shifted = lines.map((l) => {
    const dx = offset(methodOfLine(l));
    return dx ? { ...l, points: l.points.map((p) => ({ x: p.x + dx, y: p.y })) } : l;
  });
  const drawn = new Set(lines.filter((l) => l.points.length).map(methodOfLine));
  const starts = methods
    .filter((m) => drawn.has(m))
    .map((m) => {
      const x = offset(m) + 1;
      return { method: m, x, text: SHORT[m], label: `${METHODS[m].label} starts (comparison step ${x})` };
    });
  const customMask =
    customMaskFrom !== null && drawn.has('maskd')
      ? [{ x: offset('maskd') + customMaskFrom, label: `custom mask on (MasKD's step ${customMaskFrom})` }]
      : [];
  return { lines: shifted, starts, customMask };
}
