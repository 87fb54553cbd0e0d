// Loss and metric history (the store's series) as CSV and JSON downloads, and back from JSON.
// CSV is long format, one row per point: `kind,stage,method,term,step,value`. Read back, the
// series are counted (LIMITS.runFileSeries, from the lists' lengths before any is read) and so are
// their points (MAX_HISTORY_POINTS); every value is a finite number or null (a skipped value).
import { isMethodName } from '../maskd/methodInfo';
import type { Series, SeriesMap } from './series';
import { seriesKey } from './series';
import type { Stage } from '../engine/progress';
import { LIMITS, limitText } from '../limits';
import { groupDigits } from '../messageNumbers';
import { quote } from '../messageQuote';

export type HistoryKind = 'loss' | 'metric';
export const CSV_HEADER = 'kind,stage,method,term,step,value';
const STAGES: readonly Stage[] = ['teacher', 'masks', 'distill'];
const TERM = /^[A-Za-z0-9_@.%-]{1,64}$/;
/** More points than any run in the page makes; refused on import so a huge file cannot hang it. */
export const MAX_HISTORY_POINTS = 2_000_000;

export interface HistoryJson {
  format: 'maskd-playground.history';
  formatVersion: 1;
  losses: SeriesJson[];
  metrics: SeriesJson[];
}

export interface SeriesJson {
  stage: Stage;
  method: string | null;
  term: string;
  /** [step, value] pairs. */
  points: [number, number][];
}

function sorted(map: SeriesMap): Series[] {
  return Object.values(map).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Number text that reads back to the same float64 (and `NaN` for a skipped value). */
const num = (v: number) => (Number.isFinite(v) ? String(v) : 'NaN');

export function historyToCsv(losses: SeriesMap, metrics: SeriesMap): string {
  const rows = [CSV_HEADER];
  for (const [kind, map] of [['loss', losses], ['metric', metrics]] as const) {
    for (const s of sorted(map)) for (const p of s.points) rows.push(`${kind},${s.stage},${s.method ?? ''},${s.term},${num(p.x)},${num(p.y)}`);
  }
  return `${rows.join('\n')}\n`;
}

export function historyToJsonObject(losses: SeriesMap, metrics: SeriesMap): HistoryJson {
  const toJson = (s: Series): SeriesJson => ({ stage: s.stage, method: s.method, term: s.term, points: s.points.map((p) => [p.x, p.y]) });
  return { format: 'maskd-playground.history', formatVersion: 1, losses: sorted(losses).map(toJson), metrics: sorted(metrics).map(toJson) };
}

export function historyToJson(losses: SeriesMap, metrics: SeriesMap): string {
  return `${JSON.stringify(historyToJsonObject(losses, metrics))}\n`;
}

/** Validates parsed JSON series and rebuilds the store's maps; throws with what is wrong. */
export function seriesMapsFromJson(value: unknown, what = 'history'): { losses: SeriesMap; metrics: SeriesMap } {
  if (typeof value !== 'object' || value === null) throw new Error(`${what}: expected an object with "losses" and "metrics"`);
  const v = value as Record<string, unknown>;
  let budget = MAX_HISTORY_POINTS;
  const count = (list: unknown): number => (Array.isArray(list) ? list.length : 0);
  const series = count(v.losses) + count(v.metrics);
  if (series > LIMITS.runFileSeries.value) {
    throw new Error(`${what}: ${groupDigits(series)} series, over ${limitText('runFileSeries')} on ${LIMITS.runFileSeries.what}; none was read`);
  }
  const read = (list: unknown, name: string): SeriesMap => {
    if (!Array.isArray(list)) throw new Error(`${what}: "${name}" must be a list of series`);
    const out: Record<string, Series> = {};
    list.forEach((raw: unknown, i) => {
      const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const at = `${what}: ${name}[${i}]`;
      if (!STAGES.includes(s.stage as Stage)) throw new Error(`${at}: stage must be one of ${STAGES.join(', ')}`);
      if (s.method !== null && !isMethodName(s.method)) throw new Error(`${at}: method must be null or a known method`);
      if (typeof s.term !== 'string' || !TERM.test(s.term)) throw new Error(`${at}: term must be a short name`);
      if (!Array.isArray(s.points)) throw new Error(`${at}: points must be a list of [step, value]`);
      budget -= s.points.length;
      if (budget < 0) throw new Error(`${what}: more than ${MAX_HISTORY_POINTS} points`);
      let last = -Infinity;
      const points = s.points.map((p: unknown, j) => {
        if (!Array.isArray(p) || p.length !== 2) throw new Error(`${at}: point ${j} must be [step, value]`);
        const [x, y] = p as unknown[];
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x <= last) throw new Error(`${at}: point ${j} needs an integer step above the previous one`);
        if (y !== null && !(typeof y === 'number' && Number.isFinite(y))) throw new Error(`${at}: point ${j} needs a finite number value (or null for a skipped one)`);
        last = x;
        return { x, y: typeof y === 'number' ? y : NaN };
      });
      const stage = s.stage as Stage;
      const method = s.method === null ? null : (s.method as Series['method']);
      const key = seriesKey(stage, method, s.term);
      if (out[key]) throw new Error(`${at}: the series ${key} appears twice`);
      out[key] = { key, stage, method, term: s.term, points };
    });
    return out;
  };
  return { losses: read(v.losses, 'losses'), metrics: read(v.metrics, 'metrics') };
}

/** Parses a history JSON download (or the history of a run file). */
export function parseHistoryJson(text: string): { losses: SeriesMap; metrics: SeriesMap } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('history: the file is not valid JSON');
  }
  const v = value as Partial<HistoryJson> | null;
  if (v?.format !== 'maskd-playground.history' || v.formatVersion !== 1) throw new Error('history: not a MasKD Playground history file (format version 1)');
  return seriesMapsFromJson(v);
}

/** Parses the CSV download (for tests and scripts): rows as typed records. */
export function parseHistoryCsv(text: string): { kind: HistoryKind; stage: Stage; method: string | null; term: string; step: number; value: number }[] {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== CSV_HEADER) throw new Error(`history CSV: the first line must be "${CSV_HEADER}"`);
  return lines.slice(1).map((line, i) => {
    const f = line.split(',');
    if (f.length !== 6) throw new Error(`history CSV: row ${i + 1} has ${f.length} fields, expected 6`);
    const [kind, stage, method, term, step, value] = f;
    if (kind !== 'loss' && kind !== 'metric') throw new Error(`history CSV: row ${i + 1}: kind must be loss or metric`);
    if (!STAGES.includes(stage as Stage)) throw new Error(`history CSV: row ${i + 1}: unknown stage ${quote(stage)}`);
    return { kind, stage: stage as Stage, method: method || null, term, step: Number(step), value: Number(value) };
  });
}
