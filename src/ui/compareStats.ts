// The comparison table's numbers per method: one seed's row as it is, several seeds' rows as their
// mean ± the seeds' spread (sample standard deviation, n − 1). Pure: tested in Node.
import type { MethodName } from '../maskd/methodInfo';
import type { CompareRow } from '../engine/runResults';

export interface Spread {
  readonly mean: number;
  /** Sample standard deviation over the seeds (n − 1); null for one value. */
  readonly sd: number | null;
  readonly n: number;
}

/** Mean and sample standard deviation of finite values; null when there are none. */
export function spread(values: readonly number[]): Spread | null {
  const v = values.filter(Number.isFinite);
  if (!v.length) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length < 2) return { mean, sd: null, n: v.length };
  const ss = v.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (v.length - 1)), n: v.length };
}

export interface MethodSummary {
  readonly method: MethodName;
  /** This method's rows in seed order. */
  readonly rows: readonly CompareRow[];
  readonly metric: Spread | null;
  readonly bestVal: Spread | null;
  readonly finalLoss: Spread | null;
  readonly msPerStep: Spread | null;
}

/** A method's rows summarised; `seeds` (the comparison's, in order) orders them. */
export function summarise(rows: readonly CompareRow[], method: MethodName, seeds: readonly number[] | null): MethodSummary {
  const mine = rows.filter((r) => r.method === method);
  const order = (r: CompareRow) => (seeds && r.seed !== undefined ? seeds.indexOf(r.seed) : 0);
  const sorted = [...mine].sort((a, b) => order(a) - order(b));
  return {
    method,
    rows: sorted,
    metric: spread(sorted.map((r) => r.metric)),
    bestVal: spread(sorted.flatMap((r) => (r.bestVal ? [r.bestVal.metric] : []))),
    finalLoss: spread(sorted.map((r) => r.finalLoss)),
    msPerStep: spread(sorted.map((r) => r.msPerStep)),
  };
}
