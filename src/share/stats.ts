// Means with 95% confidence intervals over seeds, and paired differences between methods run on
// the same seeds (same student init and data order): what the reproduction table reports
// (scripts/reproduce.ts) and what the page's comparison table shows (src/ui/compareStats.ts).
// Pure, no tensors: the page bundles it.

/** Two-sided 95% quantiles of Student's t, df 1–30 (standard tables). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101,
  2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t quantile for a two-sided 95% interval; beyond df 30 the Cornish–Fisher expansion around z (error < 1e-3). */
export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`t975: df must be a positive integer, got ${df}`);
  if (df <= T975.length) return T975[df - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

export interface Interval {
  readonly mean: number;
  /** Half-width of the 95% interval (NaN with fewer than two values). */
  readonly half: number;
  readonly n: number;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1). */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Mean ± t·sd/√n. */
export function ci95(xs: readonly number[]): Interval {
  if (!xs.length) throw new Error('ci95: no values');
  const half = xs.length < 2 ? NaN : (t975(xs.length - 1) * sd(xs)) / Math.sqrt(xs.length);
  return { mean: mean(xs), half, n: xs.length };
}

/** The interval of a − b, value by value (the same seed in both): the paired difference. */
export function pairedDiff(a: readonly number[], b: readonly number[]): Interval {
  if (a.length !== b.length) throw new Error(`pairedDiff: ${a.length} values against ${b.length}`);
  return ci95(a.map((x, i) => x - b[i]));
}

/** "0.712 ± 0.013" (3 decimals unless told). */
export function formatInterval(i: Interval, digits = 3): string {
  return Number.isNaN(i.half) ? i.mean.toFixed(digits) : `${i.mean.toFixed(digits)} ± ${i.half.toFixed(digits)}`;
}

/** What an interval of a difference says: above zero, below zero, or not distinguishable from it. */
export function verdictOf(d: Interval): 'higher' | 'lower' | 'not distinguishable' {
  if (Number.isNaN(d.half)) return 'not distinguishable';
  if (d.mean - d.half > 0) return 'higher';
  if (d.mean + d.half < 0) return 'lower';
  return 'not distinguishable';
}
