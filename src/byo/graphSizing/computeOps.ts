// Output shapes of a graph's compute ops: element-wise, convolutions, pooling, matmuls,
// reductions, resizes, normalisations (TF's shape functions, as tfjs 4.22 runs them). Each rule
// takes the inputs' symbolic tensors and the node's attributes. Pure: no tfjs.
import type { Attrs } from './attrs';
import { axisOf, broadcast, elements, fail, intValues, showShape, sym, type Sym } from './symbolic';

export interface OpContext {
  /** Data inputs in order (control inputs left out). */
  readonly ins: readonly Sym[];
  readonly attrs: Attrs;
}
export type OpRule = (c: OpContext) => Sym[];

export function input(c: OpContext, i: number): Sym {
  return c.ins[i] ?? fail(`it has ${c.ins.length} inputs, fewer than ${i + 1}`);
}

const same: OpRule = (c) => [sym(input(c, 0).shape, c.attrs.dtype('T', input(c, 0).dtype))];

/** Element-wise ops over broadcast inputs; int values of small tensors are computed (shape arithmetic). */
function binary(f: ((a: number, b: number) => number) | null, dtype?: string): OpRule {
  return (c) => {
    const [a, b] = [input(c, 0), input(c, 1)];
    const shape = broadcast([a.shape, b.shape]);
    let value: number[] | undefined;
    if (f && a.value && b.value && (a.value.length === 1 || b.value.length === 1 || a.value.length === b.value.length)) {
      const n = Math.max(a.value.length, b.value.length);
      value = Array.from({ length: n }, (_, i) => f((a.value as number[])[a.value!.length === 1 ? 0 : i], (b.value as number[])[b.value!.length === 1 ? 0 : i]));
    }
    return [sym(shape, dtype ?? a.dtype, value)];
  };
}

const allInputs: OpRule = (c) => [sym(broadcast(c.ins.map((s) => s.shape)), input(c, 0).dtype)];

interface Window {
  readonly dataFormat: 'NHWC' | 'NCHW';
  readonly strides: [number, number];
  readonly dilations: [number, number];
  readonly padding: string;
  readonly explicit: number[] | null;
}

function windowOf(c: OpContext): Window {
  const dataFormat = c.attrs.string('data_format', 'NHWC') === 'NCHW' ? 'NCHW' : 'NHWC';
  const spatial = (list: number[] | null, name: string): [number, number] => {
    const l = list ?? [1, 1, 1, 1];
    if (l.length !== 4) fail(`its ${name} ${showShape(l)} are not 4 numbers`);
    const [h, w] = dataFormat === 'NHWC' ? [l[1], l[2]] : [l[2], l[3]];
    if (!(h >= 1 && w >= 1)) fail(`its ${name} ${showShape(l)} are not positive`);
    return [h, w];
  };
  return {
    dataFormat,
    strides: spatial(c.attrs.ints('strides'), 'strides'),
    dilations: spatial(c.attrs.ints('dilations'), 'dilations'),
    padding: c.attrs.string('padding', 'VALID'),
    explicit: c.attrs.ints('explicit_paddings'),
  };
}

/** Output side of a window of `k` (dilated) over `n` at `stride`. */
function outSide(n: number, k: number, stride: number, dilation: number, padding: string, pads: [number, number]): number {
  const eff = (k - 1) * dilation + 1;
  if (padding === 'SAME') return Math.ceil(n / stride);
  const total = padding === 'EXPLICIT' ? n + pads[0] + pads[1] : n;
  const out = Math.floor((total - eff) / stride) + 1;
  if (out < 1) fail(`its window ${k} does not fit a side of ${n}`);
  return out;
}

/** [N,H,W,C] (or NCHW) of a window op with kernel sides kh×kw and `channels` out. */
function windowed(c: OpContext, kh: number, kw: number, channels: (inC: number) => number): Sym[] {
  const x = input(c, 0);
  if (x.shape.length !== 4) fail(`its input ${showShape(x.shape)} is not 4-D`);
  const w = windowOf(c);
  const [n, h, wd, ch] = w.dataFormat === 'NHWC' ? x.shape : [x.shape[0], x.shape[2], x.shape[3], x.shape[1]];
  const e = w.explicit && w.explicit.length === 8 ? w.explicit : [0, 0, 0, 0, 0, 0, 0, 0];
  const [ph, pw]: [[number, number], [number, number]] = w.dataFormat === 'NHWC' ? [[e[2], e[3]], [e[4], e[5]]] : [[e[4], e[5]], [e[6], e[7]]];
  const oh = outSide(h, kh, w.strides[0], w.dilations[0], w.padding, ph);
  const ow = outSide(wd, kw, w.strides[1], w.dilations[1], w.padding, pw);
  const oc = channels(ch);
  return [sym(w.dataFormat === 'NHWC' ? [n, oh, ow, oc] : [n, oc, oh, ow], x.dtype)];
}

function filter(c: OpContext): readonly number[] {
  const f = input(c, 1).shape;
  if (f.length !== 4) fail(`its filter ${showShape(f)} is not 4-D [kh,kw,in,out]`);
  return f;
}

const conv2d: OpRule = (c) => {
  const f = filter(c);
  return windowed(c, f[0], f[1], (inC) => {
    if (f[2] > 0 && inC % f[2] !== 0) fail(`its filter ${showShape(f)} does not take ${inC} input channels`);
    return f[3];
  });
};

const depthwise: OpRule = (c) => {
  const f = filter(c);
  return windowed(c, f[0], f[1], (inC) => {
    if (inC !== f[2]) fail(`its filter ${showShape(f)} does not take ${inC} input channels`);
    return f[2] * f[3];
  });
};

const pool: OpRule = (c) => {
  const k = c.attrs.ints('ksize') ?? fail('it has no ksize');
  if (k.length !== 4) fail(`its ksize ${showShape(k)} is not 4 numbers`);
  const nhwc = c.attrs.string('data_format', 'NHWC') !== 'NCHW';
  return windowed(c, nhwc ? k[1] : k[2], nhwc ? k[2] : k[3], (inC) => inC);
};

/** The output shape an op's first input gives (Conv2DBackpropInput's input_sizes). */
const backpropInput: OpRule = (c) => {
  const shape = intValues(input(c, 0), 'output shape');
  return [sym(shape, input(c, 2).dtype)];
};

function matmulShape(a: readonly number[], b: readonly number[], ta: boolean, tb: boolean): number[] {
  if (a.length < 2 || b.length < 2) fail(`a matmul of ${showShape(a)} and ${showShape(b)} needs two matrices`);
  const [m, ka] = ta ? [a[a.length - 1], a[a.length - 2]] : [a[a.length - 2], a[a.length - 1]];
  const [kb, n] = tb ? [b[b.length - 1], b[b.length - 2]] : [b[b.length - 2], b[b.length - 1]];
  if (ka !== kb) fail(`a matmul of ${showShape(a)} and ${showShape(b)} has inner sizes ${ka} and ${kb}`);
  return [...broadcast([a.slice(0, -2), b.slice(0, -2)]), m, n];
}

const matmul: OpRule = (c) => [sym(matmulShape(input(c, 0).shape, input(c, 1).shape, c.attrs.bool('transpose_a'), c.attrs.bool('transpose_b')), input(c, 0).dtype)];
const batchMatmul: OpRule = (c) => [sym(matmulShape(input(c, 0).shape, input(c, 1).shape, c.attrs.bool('adj_x'), c.attrs.bool('adj_y')), input(c, 0).dtype)];

/** Reductions over constant axes (all of them when the axes are empty). */
function reduce(dropDtype?: string): OpRule {
  return (c) => {
    const x = input(c, 0);
    const axes = new Set(intValues(input(c, 1), 'axes').map((a) => axisOf(a, x.shape.length)));
    const keep = c.attrs.bool('keep_dims');
    const shape = x.shape.flatMap((d, i) => (axes.has(i) ? (keep ? [1] : []) : [d]));
    return [sym(shape, dropDtype ?? x.dtype)];
  };
}

/** ArgMax/ArgMin: one axis (the second input) removed. */
const argReduce: OpRule = (c) => {
  const x = input(c, 0);
  const [axis] = intValues(input(c, 1), 'axis');
  const a = axisOf(axis, x.shape.length);
  return [sym(x.shape.filter((_, i) => i !== a), 'int32')];
};

/** ResizeBilinear/NearestNeighbor: [N,H,W,C] to the constant size [h,w]. */
const resize: OpRule = (c) => {
  const x = input(c, 0);
  if (x.shape.length !== 4) fail(`its input ${showShape(x.shape)} is not 4-D`);
  const size = intValues(input(c, 1), 'size');
  if (size.length !== 2 || !(size[0] >= 1 && size[1] >= 1)) fail(`its size ${showShape(size)} is not [h,w]`);
  return [sym([x.shape[0], size[0], size[1], x.shape[3]], 'float32')];
};

/** FusedBatchNorm*: y like x, then the four (or five) per-channel statistics. */
const batchNorm: OpRule = (c) => {
  const x = input(c, 0);
  const ch = input(c, 1).shape;
  return [sym(x.shape, x.dtype), ...Array.from({ length: 5 }, () => sym(ch, 'float32'))];
};

const cast: OpRule = (c) => {
  const x = input(c, 0);
  const dtype = c.attrs.dtype('DstT', 'float32');
  const value = x.value?.map((v) => (dtype === 'int32' ? Math.trunc(v) : dtype === 'bool' ? Number(v !== 0) : v));
  return [sym(x.shape, dtype, value)];
};

/** Compute ops by name. */
export const COMPUTE_OPS: Readonly<Record<string, OpRule>> = {
  ...Object.fromEntries(
    [
      'Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Softplus', 'Softsign', 'Exp', 'Expm1', 'Log', 'Log1p', 'Sqrt',
      'Rsqrt', 'Square', 'Neg', 'Abs', 'Floor', 'Ceil', 'Round', 'Rint', 'Sign', 'Reciprocal', 'Erf', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos',
      'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'IsNan', 'IsInf', 'IsFinite', 'LogicalNot', 'Softmax', 'LogSoftmax', 'ClipByValue',
      'LRN', 'Cumsum', 'Cumprod', 'ReverseV2', 'Reverse', 'OnesLike', 'ZerosLike', 'StopGradient', 'PreventGradient', 'Step',
    ].map((op) => [op, same]),
  ),
  Identity: (c) => [input(c, 0)],
  Snapshot: (c) => [input(c, 0)],
  IdentityN: (c) => [...c.ins],
  Cast: cast,
  Add: binary((a, b) => a + b),
  AddV2: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  RealDiv: binary((a, b) => a / b),
  Div: binary((a, b) => a / b),
  DivNoNan: binary(null),
  FloorDiv: binary((a, b) => Math.floor(a / b)),
  FloorMod: binary((a, b) => a - Math.floor(a / b) * b),
  Mod: binary(null),
  Maximum: binary((a, b) => Math.max(a, b)),
  Minimum: binary((a, b) => Math.min(a, b)),
  Pow: binary(null),
  SquaredDifference: binary(null),
  Atan2: binary(null),
  BiasAdd: (c) => [sym(input(c, 0).shape, input(c, 0).dtype)],
  Prelu: binary(null),
  Equal: binary(null, 'bool'),
  NotEqual: binary(null, 'bool'),
  Greater: binary(null, 'bool'),
  GreaterEqual: binary(null, 'bool'),
  Less: binary(null, 'bool'),
  LessEqual: binary(null, 'bool'),
  LogicalAnd: binary(null, 'bool'),
  LogicalOr: binary(null, 'bool'),
  AddN: allInputs,
  Select: (c) => [sym(broadcast(c.ins.map((s) => s.shape)), input(c, 1).dtype)],
  SelectV2: (c) => [sym(broadcast(c.ins.map((s) => s.shape)), input(c, 1).dtype)],
  Conv2D: conv2d,
  _FusedConv2D: conv2d,
  DepthwiseConv2dNative: depthwise,
  FusedDepthwiseConv2dNative: depthwise,
  Conv2DBackpropInput: backpropInput,
  MaxPool: pool,
  AvgPool: pool,
  MatMul: matmul,
  _FusedMatMul: matmul,
  BatchMatMul: batchMatmul,
  BatchMatMulV2: batchMatmul,
  Mean: reduce(),
  Sum: reduce(),
  Max: reduce(),
  Min: reduce(),
  Prod: (c) => {
    const [out] = reduce()(c);
    const x = input(c, 0);
    const all = out.shape.length === 0 || elements(out.shape) === 1;
    return [sym(out.shape, out.dtype, all && x.value ? [x.value.reduce((a, v) => a * v, 1)] : undefined)];
  },
  All: reduce('bool'),
  Any: reduce('bool'),
  EuclideanNorm: reduce(),
  ArgMax: argReduce,
  ArgMin: argReduce,
  ResizeBilinear: resize,
  ResizeNearestNeighbor: resize,
  FusedBatchNorm: batchNorm,
  FusedBatchNormV2: batchNorm,
  FusedBatchNormV3: batchNorm,
};
