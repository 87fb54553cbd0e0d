// The comparison table's numbers per method: one seed's row as it is; several seeds' rows as their
// mean ± 95% confidence interval (Student's t, src/share/stats.ts: the reproduction's own
// statistics) and the paired difference to the student alone; and which row, if any, is starred
// best. Pure: tested in Node.
import type { MethodName } from '../maskd/methodInfo';
import type { CompareRow } from '../engine/runResults';
import { ci95, pairedDiff, verdictOf, type Interval } from '../share/stats';

/** Mean ± 95% CI of the finite values (half NaN for one value); null when there are none. */
export function interval(values: readonly number[]): Interval | null {
  const v = values.filter(Number.isFinite);
  return v.length ? ci95(v) : null;
}

export interface MethodSummary {
  readonly method: MethodName;
  /** This method's rows in seed order. */
  readonly rows: readonly CompareRow[];
  readonly metric: Interval | null;
  readonly bestVal: Interval | null;
  readonly finalLoss: Interval | null;
  readonly msPerStep: Interval | null;
}

/** A method's rows summarised; `seeds` (the comparison's, in order) orders them. */
export function summarise(rows: readonly CompareRow[], method: MethodName, seeds: readonly number[] | null): MethodSummary {
  const mine = rows.filter((r) => r.method === method);
  const order = (r: CompareRow) => (seeds && r.seed !== undefined ? seeds.indexOf(r.seed) : 0);
  const sorted = [...mine].sort((a, b) => order(a) - order(b));
  return {
    method,
    rows: sorted,
    metric: interval(sorted.map((r) => r.metric)),
    bestVal: interval(sorted.flatMap((r) => (r.bestVal ? [r.bestVal.metric] : []))),
    finalLoss: interval(sorted.map((r) => r.finalLoss)),
    msPerStep: interval(sorted.map((r) => r.msPerStep)),
  };
}

/** `a − b` over the seeds both have (the same init and data order on both sides); null when none. */
export function pairedBySeed(a: MethodSummary, b: MethodSummary): Interval | null {
  const pairs = a.rows.flatMap((r) => {
    const other = b.rows.find((x) => x.seed === r.seed);
    return other && Number.isFinite(r.metric) && Number.isFinite(other.metric) ? [[r.metric, other.metric] as const] : [];
  });
  return pairs.length ? pairedDiff(pairs.map((p) => p[0]), pairs.map((p) => p[1])) : null;
}

/**
 * The method starred best, or null. A star needs seeds to tell a difference from noise: the
 * highest mean gets it only when its paired difference to the runner-up (same seeds) has a 95%
 * interval above 0. One seed has no spread, so it never gets a star, however large the gap.
 */
export function starredMethod(summaries: readonly MethodSummary[]): MethodName | null {
  const ranked = summaries.filter((s) => s.metric).sort((a, b) => (b.metric as Interval).mean - (a.metric as Interval).mean);
  if (ranked.length < 2) return null;
  const gap = pairedBySeed(ranked[0], ranked[1]);
  return gap && gap.n >= 2 && verdictOf(gap) === 'higher' ? ranked[0].method : null;
}
