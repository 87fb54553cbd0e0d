// Reading one layer's config from an untrusted model.json: the values tfjs would read, each
// checked, and the error a failed check raises (EstimateError, turned into a ModelFileError naming
// the file by estimateTopology).
import { isRecord } from '../../isRecord';

export { isRecord };

/** A shape without the batch dimension; null where the topology leaves a dimension open. */
export type Shape = (number | null)[];

export type Config = Record<string, unknown>;

/** A problem found while sizing; turned into a ModelFileError naming the file by the caller. */
export class EstimateError extends Error {}

export const fail = (msg: string): never => {
  throw new EstimateError(msg);
};

/** snake_case key, else its camelCase spelling (tfjs accepts both). */
export function get(cfg: Config, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(cfg, key)) return cfg[key];
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return Object.prototype.hasOwnProperty.call(cfg, camel) ? cfg[camel] : undefined;
}

export function posInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(`${what} must be a positive integer, got ${JSON.stringify(v)?.slice(0, 40)}`);
  return v as number;
}

export function intOr(v: unknown, fallback: number, what: string): number {
  return v === undefined || v === null ? fallback : posInt(v, what);
}

/** An int or a list of `n` ints (kernel_size, strides, …). */
export function tuple(v: unknown, n: number, fallback: number | null, what: string): number[] {
  if ((v === undefined || v === null) && fallback !== null) return Array(n).fill(fallback);
  if (typeof v === 'number') return Array(n).fill(posInt(v, what));
  if (Array.isArray(v) && v.length === n) return v.map((x) => posInt(x, what));
  if (Array.isArray(v) && v.length === 1 && n > 1) return Array(n).fill(posInt(v[0], what));
  return fail(`${what} must be an integer or a list of ${n}, got ${JSON.stringify(v)?.slice(0, 40)}`);
}

export function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

export function shapeOf(v: unknown, what: string): Shape {
  if (!Array.isArray(v) || v.length > 8) fail(`${what} must be a list of at most 8 dimensions`);
  return (v as unknown[]).map((d) => (d === null || d === -1 ? null : posInt(d, what)));
}

export function needDim(d: number | null, what: string): number {
  if (d === null) fail(`${what} is not defined (an open dimension), so its weights cannot be sized`);
  return d as number;
}

export function padding(cfg: Config): string {
  const p = get(cfg, 'padding') ?? 'valid';
  if (p !== 'valid' && p !== 'same' && p !== 'causal') fail(`padding must be "valid" or "same", got ${JSON.stringify(p)?.slice(0, 20)}`);
  return p as string;
}

export function normAxis(axis: unknown, rank: number, what: string): number {
  const a = typeof axis === 'number' && Number.isInteger(axis) ? axis : fail(`${what} must be an integer`);
  // Keras axes count the batch dimension; ours do not.
  const full = a < 0 ? rank + 1 + a : a;
  if (full < 1 || full > rank) fail(`${what} ${a} is outside the input's dimensions`);
  return full - 1;
}

/** Cropping2D's and ZeroPadding2D's [[top, bottom], [left, right]]. */
export function pairs(v: unknown, fallback: number, what: string): [[number, number], [number, number]] {
  const nonNeg = (x: unknown): number => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : fail(`${what} must hold non-negative integers`));
  if (v === undefined || v === null) return [[fallback, fallback], [fallback, fallback]];
  if (typeof v === 'number') return [[nonNeg(v), nonNeg(v)], [nonNeg(v), nonNeg(v)]];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [[nonNeg(v[0]), nonNeg(v[0])], [nonNeg(v[1]), nonNeg(v[1])]];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => Array.isArray(x) && x.length === 2)) {
    const [[a, b], [c, d]] = v as unknown[][];
    return [[nonNeg(a), nonNeg(b)], [nonNeg(c), nonNeg(d)]];
  }
  return fail(`${what} must be an integer, two integers or two pairs`);
}
