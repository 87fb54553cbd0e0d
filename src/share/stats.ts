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

/** ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: relative error below 1e-13). */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz), for x < (a+1)/(a+b+2). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const num of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t statistic `t` with `df` degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`tTwoSidedP: df must be positive, got ${df}`);
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Paired t-test of a − b (same seed on both sides): the interval and its two-sided p-value. */
export function pairedTest(a: readonly number[], b: readonly number[]): Interval & { readonly p: number } {
  const d = pairedDiff(a, b);
  if (d.n < 2) return { ...d, p: NaN };
  const se = sd(a.map((x, i) => x - b[i])) / Math.sqrt(d.n);
  // Identical differences: certain unless they are all zero.
  const p = se === 0 ? (d.mean === 0 ? 1 : 0) : tTwoSidedP(d.mean / se, d.n - 1);
  return { ...d, p };
}

/**
 * Holm's step-down adjustment of p-values for a family of tests (controls the family-wise error):
 * sorted ascending, the k-th smallest (0-based) becomes max over j ≤ k of min(1, (m − j)·p_j).
 * Returned in the input's order; NaN stays NaN and is not counted in m.
 */
export function holm(ps: readonly number[]): number[] {
  const order = ps.map((p, i) => [p, i] as const).filter(([p]) => !Number.isNaN(p)).sort((x, y) => x[0] - y[0]);
  const m = order.length;
  const out = ps.map(() => NaN);
  let running = 0;
  order.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    out[i] = running;
  });
  return out;
}
