// Shape arithmetic evaluated before the graph runs: Shape, Gather, Concat, Slice, Cast and
// friends over constants, as torch.onnx.export writes them around Reshape, Resize and Pad. The
// batch size is not known then: it is NaN here, and stays NaN through arithmetic.
import { type BuildContext, normAxis } from './context';
import { broadcastShape } from './broadcast';
import type { ConstValue } from './types';

/** The largest constant the converter computes with (shape operands are a few numbers). */
export const FOLD_MAX_ELEMENTS = 65_536;

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/** Builds a constant of `dims` whose element at each index is f(index). */
function tabulate(ctx: BuildContext, dims: readonly number[], int: boolean, f: (idx: number[]) => number): ConstValue {
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw ctx.refuse(`a constant of shape [${dims.join(',')}]`);
  const n = count(dims);
  if (n > FOLD_MAX_ELEMENTS) throw ctx.refuse(`a constant computation of ${n} elements (at most ${FOLD_MAX_ELEMENTS})`);
  const st = strides(dims);
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) values[i] = f(dims.map((d, k) => Math.floor(i / st[k]) % d));
  return { values, dims, int };
}

function at(c: ConstValue, idx: readonly number[]): number {
  const st = strides(c.dims);
  return c.values[idx.reduce((a, v, k) => a + v * st[k], 0)];
}

export function foldBroadcast(ctx: BuildContext, ins: readonly ConstValue[], f: (...v: number[]) => number, int: boolean): ConstValue {
  const dims = broadcastShape(ctx, ins.map((c) => c.dims));
  return tabulate(ctx, dims, int, (idx) => f(...ins.map((c) => at(c, idx.slice(idx.length - c.dims.length).map((v, k) => (c.dims[k] === 1 ? 0 : v))))));
}

export function foldConcat(ctx: BuildContext, ins: readonly ConstValue[], axis: number): ConstValue {
  const a = normAxis(ctx, axis, ins[0].dims.length);
  const dims = [...ins[0].dims];
  dims[a] = ins.reduce((s, c) => s + c.dims[a], 0);
  return tabulate(ctx, dims, ins.every((c) => c.int), (idx) => {
    let i = idx[a];
    for (const c of ins) {
      if (i < c.dims[a]) return at(c, idx.map((v, k) => (k === a ? i : v)));
      i -= c.dims[a];
    }
    return NaN;
  });
}

export function foldGather(ctx: BuildContext, data: ConstValue, indices: ConstValue, axis: number): ConstValue {
  const a = normAxis(ctx, axis, data.dims.length);
  const dims = [...data.dims.slice(0, a), ...indices.dims, ...data.dims.slice(a + 1)];
  return tabulate(ctx, dims, data.int, (idx) => {
    const j = at(indices, idx.slice(a, a + indices.dims.length));
    const k = j < 0 ? j + data.dims[a] : j;
    if (!(k >= 0 && k < data.dims[a])) throw ctx.refuse(`index ${j} is outside an axis of ${data.dims[a]}`);
    return at(data, [...idx.slice(0, a), k, ...idx.slice(a + indices.dims.length)]);
  });
}

/** ONNX Slice bounds for one axis of `size`: the first index, the step and how many. */
export function sliceRange(start: number, end: number, step: number, size: number): { first: number; step: number; n: number } {
  const clampStart = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v < 0 ? v + size : v));
  if (step > 0) {
    const s = clampStart(start, 0, size), e = clampStart(end, 0, size);
    return { first: s, step, n: Math.max(0, Math.ceil((e - s) / step)) };
  }
  const s = clampStart(start, -1, size - 1), e = clampStart(end, -1, size - 1);
  return { first: s, step, n: Math.max(0, Math.ceil((e - s) / step)) };
}

export function foldSlice(ctx: BuildContext, data: ConstValue, ranges: ReadonlyMap<number, { first: number; step: number; n: number }>): ConstValue {
  const dims = data.dims.map((d, k) => ranges.get(k)?.n ?? d);
  return tabulate(ctx, dims, data.int, (idx) => at(data, idx.map((v, k) => {
    const r = ranges.get(k);
    return r ? r.first + v * r.step : v;
  })));
}

export function foldTranspose(ctx: BuildContext, data: ConstValue, perm: readonly number[]): ConstValue {
  const dims = perm.map((p) => data.dims[p]);
  return tabulate(ctx, dims, data.int, (idx) => {
    const src = new Array<number>(perm.length);
    perm.forEach((p, k) => (src[p] = idx[k]));
    return at(data, src);
  });
}

export function reshaped(c: ConstValue, dims: readonly number[]): ConstValue {
  return { values: c.values, dims, int: c.int };
}

export function scalar(v: number, int: boolean): ConstValue {
  return { values: [v], dims: [], int };
}
