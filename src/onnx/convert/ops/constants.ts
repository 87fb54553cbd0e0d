// Ops that only exist before the graph runs: Constant, Shape and the arithmetic torch.onnx.export
// writes around shapes (Cast, Floor, Ceil, Range, Equal, Where, Not, ConstantOfShape), folded to
// constants. Given a run-time tensor they are refused (the converter does not compute shapes
// while training).
import type { Built, BuildContext } from '../context';
import { foldBroadcast, scalar } from '../fold';
import { readFloats, readNumbers } from '../../tensorData';
import { DTYPE } from '../../schema';
import { BATCH, type ConstValue } from '../types';

const constant = (c: ConstValue): Built => ({ reads: [], outputs: [{ shape: c.dims, layout: 'logical', constant: c }] });

const INT_TYPES = new Set<number>([DTYPE.INT32, DTYPE.INT64, DTYPE.INT8, DTYPE.UINT8, DTYPE.BOOL, 4, 5, 12, 13]);

export function buildConstant(ctx: BuildContext): Built {
  const a = ctx.node.attrs;
  const v = a.get('value');
  if (v?.type === 'tensor') {
    const t = v.value;
    const int = INT_TYPES.has(t.dtype);
    return constant({ values: int ? readNumbers(t) : Array.from(readFloats(t)), dims: t.dims, int });
  }
  const f = a.get('value_float'), fs = a.get('value_floats'), i = a.get('value_int'), is = a.get('value_ints');
  if (f?.type === 'float') return constant(scalar(f.value, false));
  if (i?.type === 'int') return constant(scalar(i.value, true));
  if (fs?.type === 'floats') return constant({ values: fs.value, dims: [fs.value.length], int: false });
  if (is?.type === 'ints') return constant({ values: is.value, dims: [is.value.length], int: true });
  throw ctx.refuse('a Constant without a tensor, float or int value (sparse or string constants are not supported)');
}

export function buildShape(ctx: BuildContext): Built {
  const shape = ctx.input(0).shape;
  const r = shape.length;
  const clampAxis = (v: number) => Math.max(0, Math.min(r, v < 0 ? v + r : v));
  const start = clampAxis(ctx.int('start', 0)), end = clampAxis(ctx.int('end', r));
  const values = shape.slice(start, end).map((d) => (d === BATCH ? NaN : d));
  return constant({ values, dims: [values.length], int: true });
}

const ROUND: Record<string, (v: number) => number> = { Floor: Math.floor, Ceil: Math.ceil, Neg: (v) => -v, Abs: Math.abs, Sqrt: Math.sqrt, Not: (v) => (v ? 0 : 1) };

/** Folding of an op whose inputs are all constants (arithmetic on shapes). */
export function foldArithmetic(ctx: BuildContext, ins: readonly ConstValue[]): Built {
  const op = ctx.node.opType;
  const int = ins.every((c) => c.int);
  const div = (a: number, b: number) => (int ? Math.trunc(a / b) : a / b);
  const fns: Record<string, (...v: number[]) => number> = {
    Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b, Div: div, Pow: (a, b) => a ** b,
    Max: Math.max, Min: Math.min, Equal: (a, b) => (a === b ? 1 : 0), Less: (a, b) => (a < b ? 1 : 0),
    Greater: (a, b) => (a > b ? 1 : 0), Where: (c, a, b) => (c ? a : b), Identity: (a) => a,
    ...ROUND,
  };
  const f = fns[op];
  if (!f) throw ctx.refuse('cannot be computed on constants');
  if (op !== 'Max' && op !== 'Min' && ins.length !== f.length) throw ctx.refuse(`takes ${f.length} input${f.length > 1 ? 's' : ''}, given ${ins.length}`);
  const resultInt = ['Equal', 'Less', 'Greater', 'Not'].includes(op) || (op === 'Where' ? ins[1].int && ins[2].int : int);
  return constant(foldBroadcast(ctx, ins, f, resultInt));
}

export const FOLD_ONLY = ['Cast', 'Floor', 'Ceil', 'Range', 'Equal', 'Less', 'Greater', 'Where', 'Not', 'ConstantOfShape'];

export function buildFoldOnly(ctx: BuildContext): Built {
  const ins = ctx.node.inputs.map((_, k) => (ctx.has(k) ? ctx.constOf(k) : undefined));
  const op = ctx.node.opType;
  if (op === 'ConstantOfShape') {
    const dims = ctx.requireInts(0, 'shape');
    if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw ctx.refuse(`a shape of [${dims.join(',')}]`);
    const v = ctx.node.attrs.get('value');
    const value = v?.type === 'tensor' ? readNumbers(v.value)[0] ?? 0 : 0;
    const n = dims.reduce((a, b) => a * b, 1);
    if (n > 65_536) throw ctx.refuse(`a constant of ${n} elements`);
    return constant({ values: new Array<number>(n).fill(value), dims, int: v?.type === 'tensor' ? INT_TYPES.has(v.value.dtype) : false });
  }
  if (ins.some((c, k) => ctx.has(k) && !c)) {
    if (op === 'Cast' && ctx.int('to', 1) === DTYPE.FLOAT) {
      const x = ctx.input(0);
      return { reads: [{ input: 0, want: 'any' }], outputs: [{ shape: x.shape, layout: x.layout }], run: ([t]) => [t] };
    }
    throw ctx.refuse('works on tensors computed at run time here; it is supported only on constants (shape arithmetic)');
  }
  const cs = ins.filter((c): c is ConstValue => c !== undefined);
  if (op === 'Cast') {
    const to = ctx.int('to', DTYPE.FLOAT);
    const int = INT_TYPES.has(to);
    return constant({ values: cs[0].values.map((v) => (int ? Math.trunc(v) : v)), dims: cs[0].dims, int });
  }
  if (op === 'Range') {
    const [start, limit, delta] = cs.map((c) => c.values[0]);
    const n = Math.max(0, Math.ceil((limit - start) / delta));
    if (!(n <= 65_536)) throw ctx.refuse(`a range of ${n} values`);
    return constant({ values: Array.from({ length: n }, (_, k) => start + k * delta), dims: [n], int: cs[0].int });
  }
  return foldArithmetic(ctx, cs);
}

