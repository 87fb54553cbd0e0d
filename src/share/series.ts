// Loss and metric history as chart-ready series, keyed by stage, method and term.
import type { MethodName } from '../maskd/methodInfo';
import type { XY } from '../viz/downsample';
import type { RunProgress, Stage } from '../engine/progress';

export interface Series {
  readonly key: string;
  readonly stage: Stage;
  readonly method: MethodName | null;
  /** Loss term ('task', 'dice', 'distill', 'total') or the metric's name. */
  readonly term: string;
  readonly points: readonly XY[];
}

export type SeriesMap = Readonly<Record<string, Series>>;

export function seriesKey(stage: Stage, method: MethodName | null | undefined, term: string): string {
  return `${stage}:${method ?? '-'}:${term}`;
}

function append(map: SeriesMap, stage: Stage, method: MethodName | null, term: string, p: XY): SeriesMap {
  const key = seriesKey(stage, method, term);
  const prev = map[key];
  const points = prev ? prev.points : [];
  // A resumed or stepped run can repeat a step: keep the newest value for it.
  const next = points.length && points[points.length - 1].x >= p.x ? [...points.filter((q) => q.x < p.x), p] : [...points, p];
  return { ...map, [key]: { key, stage, method, term, points: next } };
}

/** Appends every loss term of a progress event. */
export function appendLosses(map: SeriesMap, p: RunProgress): SeriesMap {
  let out = map;
  for (const [term, value] of Object.entries(p.losses)) out = append(out, p.stage, p.method ?? null, term, { x: p.step, y: value });
  return out;
}

/** Appends the progress event's validation metric, when it has one. */
export function appendMetric(map: SeriesMap, p: RunProgress): SeriesMap {
  return p.metric ? append(map, p.stage, p.method ?? null, p.metric.name, { x: p.step, y: p.metric.value }) : map;
}

export function seriesOfStage(map: SeriesMap, stage: Stage): Series[] {
  return Object.values(map).filter((s) => s.stage === stage);
}

/** Clears the series a new run of `stage` (and `method`) would overwrite. */
export function dropRun(map: SeriesMap, stage: Stage, methods: readonly (MethodName | null)[]): SeriesMap {
  const out: Record<string, Series> = {};
  for (const [k, s] of Object.entries(map)) if (!(s.stage === stage && methods.includes(s.method))) out[k] = s;
  return out;
}

/** One run's loss (or metric) series rebuilt from a checkpoint's history, replacing what the map had for it. */
export function seriesFromHistory(
  map: SeriesMap,
  stage: Stage,
  method: MethodName | null,
  history: readonly Pick<RunProgress, 'step' | 'losses' | 'metric'>[],
  what: 'losses' | 'metrics',
): SeriesMap {
  let out = dropRun(map, stage, [method]);
  for (const h of history) {
    const p = { ...h, stage, method: method ?? undefined } as RunProgress;
    out = what === 'losses' ? appendLosses(out, p) : appendMetric(out, p);
  }
  return out;
}
