// One ONNX node of a plan as PyTorch lines, NCHW as the graph is: the op's attributes and constant
// operands are read with the converter's own rules (BuildContext, geometry, resizeSampling), so the
// generated module computes what the page's converted graph computes, and both what ONNX defines.
import { BuildContext, normAxis } from '../onnx/convert/context';
import { sliceRange } from '../onnx/convert/fold';
import { windows, type AxisWindow } from '../onnx/convert/geometry';
import { windowCounts } from '../onnx/convert/ops/pool';
import { resizeSampling } from '../onnx/convert/ops/resize';
import { BATCH, type ValueMeta } from '../onnx/convert/types';
import { pyFloat } from './emitHelpers';

/** A constant the generated module keeps as a non-persistent buffer. */
export interface ModuleConstant {
  readonly values: readonly number[];
  readonly dims: readonly number[];
  readonly dtype: 'float32' | 'long';
}

export interface OpEmit {
  readonly ctx: BuildContext;
  /** The Python expression of the node's input k (a value, a state-dict tensor or a constant). */
  arg(k: number): string;
  /** Python names of the node's outputs ('_' for an omitted one). */
  readonly outs: readonly string[];
  readonly outMeta: readonly ValueMeta[];
  /** Registers a constant; returns its expression. */
  constant(c: ModuleConstant): string;
}

export type OpWriter = (e: OpEmit) => string[];

const tuple = (v: readonly (number | string)[]) => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);
const bool = (b: boolean) => (b ? 'True' : 'False');
/** A planned shape for reshape (the batch as -1). */
const shapeOf = (m: ValueMeta) => tuple(m.shape.map((d) => (d === BATCH ? -1 : d)));
const one = (e: OpEmit, expr: string) => [`${e.outs[0]} = ${expr}`];

/** F.pad's list for [t, b, l, r] windows of the last two axes; null when nothing is padded. */
function spatialPad(win: readonly AxisWindow[]): number[] | null {
  const p = [win[1].begin, win[1].end, win[0].begin, win[0].end];
  return p.some((v) => v > 0) ? p : null;
}

function conv(e: OpEmit): string[] {
  const { ctx } = e;
  const x = ctx.input(0).shape, w = ctx.input(1).shape;
  if (x.length !== 4 || w.length !== 4) throw ctx.refuse('only 2-D convolutions are written');
  const ks = ctx.ints('kernel_shape') ?? [w[2], w[3]];
  const win = windows(ctx, ks, [x[2], x[3]]);
  const strides = ctx.ints('strides') ?? [1, 1], dil = ctx.ints('dilations') ?? [1, 1];
  const bias = ctx.has(2) ? e.arg(2) : 'None';
  const even = win[0].begin === win[0].end && win[1].begin === win[1].end;
  const pads = spatialPad(win);
  const input = pads && !even ? `F.pad(${e.arg(0)}, ${tuple(pads)})` : e.arg(0);
  const padding = even ? tuple([win[0].begin, win[1].begin]) : '0';
  return one(e, `F.conv2d(${input}, ${e.arg(1)}, ${bias}, ${tuple(strides)}, ${padding}, ${tuple(dil)}, ${ctx.int('group', 1)})`);
}

function convTranspose(e: OpEmit): string[] {
  const { ctx } = e;
  const x = ctx.input(0).shape, w = ctx.input(1).shape;
  const ks = ctx.ints('kernel_shape') ?? [w[2], w[3]];
  const strides = ctx.ints('strides') ?? [1, 1];
  const pads = ctx.str('auto_pad', 'NOTSET') === 'VALID' ? [0, 0, 0, 0] : (ctx.ints('pads') ?? [0, 0, 0, 0]);
  const out = [e.outMeta[0].shape[2], e.outMeta[0].shape[3]];
  const full = [0, 1].map((i) => strides[i] * (x[2 + i] - 1) + ks[i]);
  const extra = [0, 1].map((i) => Math.max(0, pads[i] + out[i] - full[i]));
  const y = e.outs[0];
  const lines = [`${y} = F.conv_transpose2d(${e.arg(0)}, ${e.arg(1)}, None, ${tuple(strides)})`];
  if (extra[0] || extra[1]) lines.push(`${y} = F.pad(${y}, (0, ${extra[1]}, 0, ${extra[0]}))`);
  lines.push(`${y} = ${y}[:, :, ${pads[0]}:${pads[0] + out[0]}, ${pads[1]}:${pads[1] + out[1]}]`);
  if (ctx.has(2)) lines.push(`${y} = ${y} + ${e.arg(2)}.reshape(1, -1, 1, 1)`);
  return lines;
}

function batchNorm(e: OpEmit): string[] {
  const { ctx } = e;
  const momentum = 1 - ctx.float('momentum', 0.9);
  return one(e, `F.batch_norm(${e.arg(0)}, ${e.arg(3)}, ${e.arg(4)}, ${e.arg(1)}, ${e.arg(2)}, self.training, ${pyFloat(momentum)}, ${pyFloat(ctx.float('epsilon', 1e-5))})`);
}

function poolWindows(ctx: BuildContext): { k: number[]; s: number[]; win: AxisWindow[] } {
  const x = ctx.input(0).shape;
  const k = ctx.ints('kernel_shape')!;
  return { k, s: ctx.ints('strides') ?? [1, 1], win: windows(ctx, k, [x[2], x[3]], ctx.int('ceil_mode', 0) === 1) };
}

function maxPool(e: OpEmit): string[] {
  const { k, s, win } = poolWindows(e.ctx);
  const pads = spatialPad(win);
  const input = pads ? `F.pad(${e.arg(0)}, ${tuple(pads)}, value=float("-inf"))` : e.arg(0);
  return one(e, `F.max_pool2d(${input}, ${tuple(k)}, ${tuple(s)})`);
}

function averagePool(e: OpEmit): string[] {
  const { ctx } = e;
  const { k, s, win } = poolWindows(ctx);
  const x = ctx.input(0).shape;
  const include = ctx.int('count_include_pad', 0) === 1;
  const pads = ctx.ints('pads') ?? [0, 0, 0, 0];
  const ch = windowCounts(win[0], k[0], s[0], x[2], include, pads[2]);
  const cw = windowCounts(win[1], k[1], s[1], x[3], include, pads[3]);
  const padded = spatialPad(win);
  const y = `F.avg_pool2d(${padded ? `F.pad(${e.arg(0)}, ${tuple(padded)})` : e.arg(0)}, ${tuple(k)}, ${tuple(s)})`;
  if (ch.every((c) => c === k[0]) && cw.every((c) => c === k[1])) return one(e, y);
  // Each window's sum divided by its own count of cells (the pads it may not count).
  const scale = e.constant({ values: ch.flatMap((a) => cw.map((b) => (k[0] * k[1]) / (a * b))), dims: [1, 1, ch.length, cw.length], dtype: 'float32' });
  return one(e, `${y} * ${scale}`);
}

function clip(e: OpEmit): string[] {
  const { ctx } = e;
  const bound = (k: number, attr: string) => (ctx.opset < 11 ? (ctx.node.attrs.has(attr) ? ctx.float(attr, 0) : undefined) : ctx.has(k) ? ctx.requireKnown(k, attr)[0] : undefined);
  const lo = bound(1, 'min'), hi = bound(2, 'max');
  return one(e, `torch.clamp(${e.arg(0)}${lo === undefined ? '' : `, min=${pyFloat(lo)}`}${hi === undefined ? '' : `, max=${pyFloat(hi)}`})`);
}

const unary = (f: (x: string, ctx: BuildContext) => string): OpWriter => (e) => one(e, f(e.arg(0), e.ctx));
const binary = (f: (a: string, b: string) => string): OpWriter => (e) => one(e, f(e.arg(0), e.arg(1)));

function gemm(e: OpEmit): string[] {
  const { ctx } = e;
  const a = ctx.int('transA', 0) ? `${e.arg(0)}.t()` : e.arg(0);
  const b = ctx.int('transB', 0) ? `${e.arg(1)}.t()` : e.arg(1);
  const alpha = ctx.float('alpha', 1), beta = ctx.float('beta', 1);
  let y = `torch.matmul(${a}, ${b})`;
  if (alpha !== 1) y = `${y} * ${pyFloat(alpha)}`;
  if (ctx.has(2)) y = `${y} + ${beta === 1 ? e.arg(2) : `${e.arg(2)} * ${pyFloat(beta)}`}`;
  return one(e, y);
}

function concat(e: OpEmit): string[] {
  const rank = e.outMeta[0].shape.length;
  const args = e.ctx.node.inputs.map((_, k) => e.arg(k));
  return one(e, `torch.cat([${args.join(', ')}], ${normAxis(e.ctx, e.ctx.int('axis', 0), rank)})`);
}

function split(e: OpEmit): string[] {
  const x = e.ctx.input(0).shape;
  const a = normAxis(e.ctx, e.ctx.int('axis', 0), x.length);
  const sizes = e.outMeta.map((m) => m.shape[a]);
  return [`${e.outs.join(', ')}${e.outs.length === 1 ? ',' : ''} = torch.split(${e.arg(0)}, ${tuple(sizes)}, ${a})`];
}

function slice(e: OpEmit): string[] {
  const { ctx } = e;
  const x = ctx.input(0).shape;
  const old = ctx.opset < 10;
  const starts = old ? ctx.ints('starts') ?? [] : ctx.requireInts(1, 'starts');
  const ends = old ? ctx.ints('ends') ?? [] : ctx.requireInts(2, 'ends');
  const axes = (old ? ctx.ints('axes') : ctx.has(3) ? ctx.requireInts(3, 'axes') : undefined) ?? starts.map((_, k) => k);
  const steps = !old && ctx.has(4) ? ctx.requireInts(4, 'steps') : undefined;
  const index = x.map(() => ':');
  axes.forEach((v, k) => {
    const a = normAxis(ctx, v, x.length);
    if (x[a] === BATCH) return;
    const r = sliceRange(starts[k], ends[k], steps?.[k] ?? 1, x[a]);
    if (r.n === 0) throw ctx.refuse('an empty slice');
    index[a] = r.step === 1 ? `${r.first}:${r.first + r.n}` : `${r.first}:${r.first + (r.n - 1) * r.step + 1}:${r.step}`;
  });
  return one(e, `${e.arg(0)}[${index.join(', ')}]`);
}

function gather(e: OpEmit): string[] {
  const { ctx } = e;
  const data = ctx.input(0).shape;
  const a = normAxis(ctx, ctx.int('axis', 0), data.length);
  const idx = ctx.requireIntsOrBatch(1, 'indices').values.map((v) => (v < 0 ? v + data[a] : v));
  const at = e.constant({ values: idx, dims: [idx.length], dtype: 'long' });
  return one(e, `${e.arg(0)}.index_select(${a}, ${at}).reshape(${shapeOf(e.outMeta[0])})`);
}

const reshape: OpWriter = (e) => one(e, `${e.arg(0)}.reshape(${shapeOf(e.outMeta[0])})`);

function transpose(e: OpEmit): string[] {
  const rank = e.ctx.input(0).shape.length;
  return one(e, `${e.arg(0)}.permute(${tuple(e.ctx.ints('perm') ?? Array.from({ length: rank }, (_, k) => rank - 1 - k))})`);
}

/** One axis of a resize as index_select and weights: each output row reads at most two inputs. */
function resizeAxis(e: OpEmit, x: string, dim: 2 | 3, m: Float64Array, inSize: number, outSize: number, linear: boolean): string {
  const i0: number[] = [], i1: number[] = [], w0: number[] = [], w1: number[] = [];
  for (let o = 0; o < outSize; o++) {
    const nz = [...m.subarray(o * inSize, (o + 1) * inSize)].flatMap((v, i) => (v !== 0 ? [[i, v]] : []));
    i0.push(nz[0][0]);
    w0.push(nz[0][1]);
    i1.push(nz[1]?.[0] ?? nz[0][0]);
    w1.push(nz[1]?.[1] ?? 0);
  }
  const idx = (v: number[]) => e.constant({ values: v, dims: [v.length], dtype: 'long' });
  if (!linear) return `${x}.index_select(${dim}, ${idx(i0)})`;
  const dims = dim === 2 ? [outSize, 1] : [outSize];
  const wt = (v: number[]) => e.constant({ values: v, dims, dtype: 'float32' });
  return `(${x}.index_select(${dim}, ${idx(i0)}) * ${wt(w0)} + ${x}.index_select(${dim}, ${idx(i1)}) * ${wt(w1)})`;
}

function resize(e: OpEmit): string[] {
  const { mode, inHW, outHW, mats } = resizeSampling(e.ctx);
  const y = e.outs[0];
  return [
    `${y} = ${resizeAxis(e, e.arg(0), 2, mats[0], inHW[0], outHW[0], mode === 'linear')}`,
    `${y} = ${resizeAxis(e, y, 3, mats[1], inHW[1], outHW[1], mode === 'linear')}`,
  ];
}

function pad(e: OpEmit): string[] {
  const { ctx } = e;
  const x = ctx.input(0).shape;
  const rank = x.length;
  const mode = ctx.str('mode', 'constant');
  const raw = ctx.opset >= 11 ? ctx.requireInts(1, 'pads') : (ctx.ints('pads') ?? []);
  const value = ctx.opset >= 11 ? (ctx.has(2) ? ctx.requireKnown(2, 'constant value')[0] ?? 0 : 0) : ctx.float('value', 0);
  const axes = ctx.opset >= 18 && ctx.has(3) ? ctx.requireInts(3, 'axes').map((a) => normAxis(ctx, a, rank)) : x.map((_, k) => k);
  const pads: [number, number][] = x.map(() => [0, 0]);
  axes.forEach((a, i) => (pads[a] = [raw[i], raw[i + axes.length]]));
  const last = pads.reduce((m, [b, en], k) => (b || en ? k : m), -1);
  if (last < 0) return one(e, e.arg(0));
  if (mode === 'constant') {
    const flat = pads.slice(0, last + 1).reverse().flat();
    return one(e, `F.pad(${e.arg(0)}, ${tuple(flat)}${value ? `, value=${pyFloat(value)}` : ''})`);
  }
  // reflect / replicate: PyTorch pads only the trailing spatial axes of a 3-D or 4-D tensor.
  const first = pads.findIndex(([b, en]) => b || en);
  if ((rank !== 3 && rank !== 4) || first < 2) throw ctx.refuse(`${mode} padding of axis ${first} of a rank-${rank} tensor (PyTorch ${mode === 'edge' ? 'replicate' : 'reflect'}-pads only the spatial axes of 3-D and 4-D tensors)`);
  const flat = pads.slice(2).reverse().flat();
  return one(e, `F.pad(${e.arg(0)}, ${tuple(flat)}, mode="${mode === 'edge' ? 'replicate' : 'reflect'}")`);
}

function reduce(e: OpEmit): string[] {
  const { ctx } = e;
  const x = ctx.input(0).shape;
  const fromInput = ctx.opset >= 18 || (ctx.node.opType === 'ReduceSum' && ctx.opset >= 13);
  const given = fromInput ? (ctx.has(1) ? ctx.requireInts(1, 'axes') : undefined) : ctx.ints('axes');
  if (!given?.length && ctx.int('noop_with_empty_axes', 0) === 1) return one(e, e.arg(0));
  const axes = (given?.length ? given : x.map((_, k) => k)).map((a) => normAxis(ctx, a, x.length)).sort((a, b) => a - b);
  const f = { ReduceMean: 'torch.mean', ReduceSum: 'torch.sum', ReduceMax: 'torch.amax' }[ctx.node.opType as 'ReduceMean'];
  return one(e, `${f}(${e.arg(0)}, dim=${tuple(axes)}, keepdim=${bool(ctx.int('keepdims', 1) === 1)})`);
}

function softmax(e: OpEmit): string[] {
  const { ctx } = e;
  const rank = ctx.input(0).shape.length;
  const a = normAxis(ctx, ctx.int('axis', ctx.opset >= 13 ? -1 : 1), rank);
  const f = ctx.node.opType === 'LogSoftmax' ? 'F.log_softmax' : 'F.softmax';
  // Before opset 13: over everything from `axis` on, flattened.
  if (ctx.opset < 13 && a !== rank - 1) return one(e, `${f}(${e.arg(0)}.flatten(${a}), dim=-1).reshape(${e.arg(0)}.shape)`);
  return one(e, `${f}(${e.arg(0)}, dim=${a})`);
}

const same: OpWriter = (e) => one(e, e.arg(0));

/** Every op the importer runs at run time, written as PyTorch. */
export const OP_WRITERS: Readonly<Record<string, OpWriter>> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  BatchNormalization: batchNorm,
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: unary((x) => `${x}.mean(dim=(2, 3), keepdim=True)`),
  GlobalMaxPool: unary((x) => `${x}.amax(dim=(2, 3), keepdim=True)`),
  Clip: clip,
  Relu: unary((x) => `F.relu(${x})`),
  Sigmoid: unary((x) => `torch.sigmoid(${x})`),
  Tanh: unary((x) => `torch.tanh(${x})`),
  Erf: unary((x) => `torch.erf(${x})`),
  Sqrt: unary((x) => `torch.sqrt(${x})`),
  Exp: unary((x) => `torch.exp(${x})`),
  Log: unary((x) => `torch.log(${x})`),
  Neg: unary((x) => `-${x}`),
  Abs: unary((x) => `torch.abs(${x})`),
  Reciprocal: unary((x) => `torch.reciprocal(${x})`),
  Softplus: unary((x) => `F.softplus(${x})`),
  Identity: same,
  // Dropout as the importer takes it: eval-mode exports, its input as is.
  Dropout: same,
  LeakyRelu: unary((x, c) => `F.leaky_relu(${x}, ${pyFloat(c.float('alpha', 0.01))})`),
  Elu: unary((x, c) => `F.elu(${x}, ${pyFloat(c.float('alpha', 1))})`),
  HardSigmoid: unary((x, c) => `torch.clamp(${x} * ${pyFloat(c.float('alpha', 0.2))} + ${pyFloat(c.float('beta', 0.5))}, 0.0, 1.0)`),
  HardSwish: unary((x) => `F.hardswish(${x})`),
  Gelu: unary((x, c) => `F.gelu(${x}${c.str('approximate', 'none') === 'tanh' ? ', approximate="tanh"' : ''})`),
  Add: binary((a, b) => `${a} + ${b}`),
  Sub: binary((a, b) => `${a} - ${b}`),
  Mul: binary((a, b) => `${a} * ${b}`),
  Div: binary((a, b) => `${a} / ${b}`),
  Pow: binary((a, b) => `torch.pow(${a}, ${b})`),
  PRelu: binary((a, b) => `torch.where(${a} >= 0, ${a}, ${a} * ${b})`),
  Max: binary((a, b) => `torch.maximum(${a}, ${b})`),
  Min: binary((a, b) => `torch.minimum(${a}, ${b})`),
  MatMul: binary((a, b) => `torch.matmul(${a}, ${b})`),
  Gemm: gemm,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Reshape: reshape,
  Flatten: reshape,
  Squeeze: reshape,
  Unsqueeze: reshape,
  Transpose: transpose,
  Resize: resize,
  Upsample: resize,
  Pad: pad,
  ReduceMean: reduce,
  ReduceSum: reduce,
  ReduceMax: reduce,
  Softmax: softmax,
  LogSoftmax: softmax,
};
