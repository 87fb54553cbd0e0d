// What the static sizing of a graph model knows of one tensor: its shape, its dtype, and for a
// small int or float tensor (a shape, an axis, a size computed from Shape) its values. Shapes of
// data-dependent outputs (Where, NonMaxSuppression) are upper bounds, flagged as such.
// Pure: no tfjs.
import { LIMITS } from '../../limits';

export interface Sym {
  readonly shape: readonly number[];
  readonly dtype: string;
  /** The values, row-major, when known and at most LIMITS.modelGraphValues elements. */
  readonly value?: readonly number[];
  /** The shape is an upper bound (its real size depends on the data). */
  readonly bound?: boolean;
}

/** Refusal of a graph the static sizing cannot size; the loader turns it into a ModelFileError. */
export class GraphSizingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphSizingError';
  }
}

export const fail = (message: string): never => {
  throw new GraphSizingError(message);
};

export function elements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** "[1,512,512,3]", at most 8 dimensions shown. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.slice(0, 8).join(',')}${shape.length > 8 ? ',…' : ''}]`;
}

/** A tensor of this shape, its values kept when small enough to be read as a shape or an axis. */
export function sym(shape: readonly number[], dtype: string, value?: readonly number[], bound?: boolean): Sym {
  for (const d of shape) if (!(Number.isSafeInteger(d) && d >= 0)) fail(`a shape ${showShape(shape)} is not a shape`);
  if (!Number.isSafeInteger(elements(shape))) fail(`a shape ${showShape(shape)} has more elements than any device holds`);
  const keep = value !== undefined && value.length === elements(shape) && value.length <= LIMITS.modelGraphValues.value;
  return { shape, dtype, ...(keep ? { value } : {}), ...(bound ? { bound: true } : {}) };
}

/** Numpy broadcasting of several shapes. */
export function broadcast(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const x = s[s.length - rank + i] ?? 1;
      if (x === 1) continue;
      if (d !== 1 && d !== x) fail(`shapes ${shapes.map(showShape).join(' and ')} do not broadcast`);
      d = x;
    }
    out.push(d);
  }
  return out;
}

/** A value read as integers (axes, sizes, shapes); fails naming `what` when it is not known. */
export function intValues(s: Sym | undefined, what: string): number[] {
  if (!s?.value) return fail(`its ${what} is not a constant (or computed from constants and the input's shape)`);
  if (!s.value.every((v) => Number.isSafeInteger(v))) fail(`its ${what} is not a list of integers`);
  return [...s.value];
}

/** A negative axis counted from the end; fails when outside the rank. */
export function axisOf(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) fail(`axis ${axis} is outside a rank-${rank} tensor`);
  return a;
}
