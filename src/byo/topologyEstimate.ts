// What a layers-model topology (model.json's modelTopology) declares, sized from the JSON alone:
// parameters, float32 activations of one image, layers, input sides. tf.loadLayersModel builds
// every layer and zero-fills every declared weight *before* it reads the manifest, so a model.json
// of eight Dense layers of 20 000 units with an empty manifest allocates ~12 GB; this estimate runs
// first and refuses such a topology (limits in src/limits.ts) without allocating anything.
//
// Shapes are inferred layer by layer the way tfjs 4.22 computes them (computeOutputShape), for
// every layer class tfjs registers plus the playground's MaskdBilinearResize; parameter counts
// match tfjs's countParams() (src/byo/topologyEstimate.test.ts builds models of each class and
// compares). A class the estimator does not know cannot be sized, so it is refused by name.
// Pure: no tfjs, bounded work (each layer call is visited once; cycles are refused).
import { LIMITS, formatByteCount, groupDigits, limitText } from '../limits';
import { ModelFileError } from './modelFiles';

/** A shape without the batch dimension; null where the topology leaves a dimension open. */
type Shape = (number | null)[];

export interface TopologyEstimate {
  /** Weights every layer will create (trainable and not), in elements. */
  readonly params: number;
  /** Float32 bytes of every layer output for one image (unknown input sides taken as 64). */
  readonly activationBytes: number;
  /** Layers, nested models' layers included. */
  readonly layers: number;
  /** Input shapes as declared (without the batch dimension). */
  readonly inputs: readonly Shape[];
}

/** A problem found while sizing; turned into a ModelFileError naming the file by the caller. */
class EstimateError extends Error {}

const fail = (msg: string): never => {
  throw new EstimateError(msg);
};

type Config = Record<string, unknown>;

const isRecord = (v: unknown): v is Config => typeof v === 'object' && v !== null && !Array.isArray(v);

/** snake_case key, else its camelCase spelling (tfjs accepts both). */
function get(cfg: Config, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(cfg, key)) return cfg[key];
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return Object.prototype.hasOwnProperty.call(cfg, camel) ? cfg[camel] : undefined;
}

const UNKNOWN_SIDE = 64;

/** Elements of a shape; open dimensions count as UNKNOWN_SIDE (what planInput probes with). */
const elements = (s: Shape): number => s.reduce<number>((a, d) => a * (d ?? UNKNOWN_SIDE), 1);

function posInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(`${what} must be a positive integer, got ${JSON.stringify(v)?.slice(0, 40)}`);
  return v as number;
}

function intOr(v: unknown, fallback: number, what: string): number {
  return v === undefined || v === null ? fallback : posInt(v, what);
}

/** An int or a list of `n` ints (kernel_size, strides, …). */
function tuple(v: unknown, n: number, fallback: number | null, what: string): number[] {
  if ((v === undefined || v === null) && fallback !== null) return Array(n).fill(fallback);
  if (typeof v === 'number') return Array(n).fill(posInt(v, what));
  if (Array.isArray(v) && v.length === n) return v.map((x) => posInt(x, what));
  if (Array.isArray(v) && v.length === 1 && n > 1) return Array(n).fill(posInt(v[0], what));
  return fail(`${what} must be an integer or a list of ${n}, got ${JSON.stringify(v)?.slice(0, 40)}`);
}

function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

function shapeOf(v: unknown, what: string): Shape {
  if (!Array.isArray(v) || v.length > 8) fail(`${what} must be a list of at most 8 dimensions`);
  return (v as unknown[]).map((d) => (d === null || d === -1 ? null : posInt(d, what)));
}

/** tfjs convOutputLength. */
function convLength(n: number | null, k: number, padding: string, stride: number, dilation = 1): number | null {
  if (n === null) return null;
  const dk = k + (k - 1) * (dilation - 1);
  const out = padding === 'same' || padding === 'causal' ? n : n - dk + 1;
  const r = Math.floor((out + stride - 1) / stride);
  if (r < 1) fail(`its ${padding} window of ${dk} does not fit an input of ${n}`);
  return r;
}

/** tfjs deconvLength (no output padding). */
function deconvLength(n: number | null, k: number, padding: string, stride: number): number | null {
  if (n === null) return null;
  return padding === 'valid' ? n * stride + Math.max(k - stride, 0) : n * stride;
}

const channelsFirst = (cfg: Config) => get(cfg, 'data_format') === 'channels_first';

/** Splits an N-D spatial input into [spatial dims, channels] by data_format. */
function spatial(s: Shape, rank: number, cfg: Config, what: string): { dims: Shape; channels: number | null } {
  if (s.length !== rank + 1) fail(`${what} needs a ${rank + 2}-D input [N,…,C], got [N,${s.map((d) => d ?? '?').join(',')}]`);
  return channelsFirst(cfg) ? { dims: s.slice(1), channels: s[0] } : { dims: s.slice(0, rank), channels: s[rank] };
}

function join(cfg: Config, dims: Shape, channels: number | null): Shape {
  return channelsFirst(cfg) ? [channels, ...dims] : [...dims, channels];
}

function needDim(d: number | null, what: string): number {
  if (d === null) fail(`${what} is not defined (an open dimension), so its weights cannot be sized`);
  return d as number;
}

function padding(cfg: Config): string {
  const p = get(cfg, 'padding') ?? 'valid';
  if (p !== 'valid' && p !== 'same' && p !== 'causal') fail(`padding must be "valid" or "same", got ${JSON.stringify(p)?.slice(0, 20)}`);
  return p as string;
}

interface LayerResult {
  readonly outputs: Shape[];
  readonly params: number;
  /** Activations inside (nested models); the outputs are counted by the caller. */
  readonly inner: number;
  readonly layers: number;
}

const one = (s: Shape, params = 0): LayerResult => ({ outputs: [s], params, inner: 0, layers: 1 });

const first = (inputs: readonly Shape[], what: string): Shape => inputs[0] ?? fail(`${what} has no input`);

function conv(cfg: Config, x: Shape, rank: number, kind: 'conv' | 'transpose' | 'separable' | 'depthwise'): LayerResult {
  const { dims, channels } = spatial(x, rank, cfg, 'it');
  const cin = needDim(channels, 'its input channel count');
  const k = tuple(get(cfg, 'kernel_size'), rank, null, 'kernel_size');
  const strides = tuple(get(cfg, 'strides'), rank, 1, 'strides');
  const dilation = tuple(get(cfg, 'dilation_rate'), rank, 1, 'dilation_rate');
  const pad = padding(cfg);
  const bias = bool(get(cfg, 'use_bias'), true);
  const kernel = k.reduce((a, b) => a * b, 1);
  let params: number;
  let cout: number;
  if (kind === 'depthwise') {
    const m = intOr(get(cfg, 'depth_multiplier'), 1, 'depth_multiplier');
    cout = cin * m;
    params = kernel * cin * m + (bias ? cout : 0);
  } else {
    cout = posInt(get(cfg, 'filters'), 'filters');
    if (kind === 'separable') {
      const m = intOr(get(cfg, 'depth_multiplier'), 1, 'depth_multiplier');
      params = kernel * cin * m + cin * m * cout + (bias ? cout : 0);
    } else {
      params = kernel * cin * cout + (bias ? cout : 0);
    }
  }
  const out = dims.map((n, i) => (kind === 'transpose' ? deconvLength(n, k[i], pad, strides[i]) : convLength(n, k[i], pad, strides[i], dilation[i])));
  return one(join(cfg, out, cout), params);
}

function pool(cfg: Config, x: Shape, rank: number): LayerResult {
  const { dims, channels } = spatial(x, rank, cfg, 'it');
  const size = tuple(get(cfg, 'pool_size'), rank, 2, 'pool_size');
  const raw = get(cfg, 'strides');
  const strides = raw === undefined || raw === null ? size : tuple(raw, rank, null, 'strides');
  const pad = padding(cfg);
  return one(join(cfg, dims.map((n, i) => convLength(n, size[i], pad, strides[i])), channels));
}

function globalPool(cfg: Config, x: Shape, rank: number): LayerResult {
  const { channels } = spatial(x, rank, cfg, 'it');
  return one([channels]);
}

function normAxis(axis: unknown, rank: number, what: string): number {
  const a = typeof axis === 'number' && Number.isInteger(axis) ? axis : fail(`${what} must be an integer`);
  // Keras axes count the batch dimension; ours do not.
  const full = a < 0 ? rank + 1 + a : a;
  if (full < 1 || full > rank) fail(`${what} ${a} is outside the input's dimensions`);
  return full - 1;
}

function pairs(v: unknown, fallback: number, what: string): [[number, number], [number, number]] {
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

const add = (d: number | null, n: number) => (d === null ? null : d + n);

function broadcast(inputs: readonly Shape[]): Shape {
  const rank = Math.max(...inputs.map((s) => s.length));
  const out: Shape = [];
  for (let i = 1; i <= rank; i++) {
    let d: number | null = 1;
    for (const s of inputs) {
      const x = s.length - i >= 0 ? s[s.length - i] : 1;
      if (x === null) d = d === 1 ? null : d;
      else if (x !== 1) d = x;
    }
    out.unshift(d);
  }
  return out;
}

/** An RNN cell's parameters for input width `d`, and its state width. */
function cellParams(cell: unknown, d: number, what: string): { params: number; units: number } {
  if (!isRecord(cell) || typeof cell.class_name !== 'string' || !isRecord(cell.config)) return fail(`${what} has no cell config`);
  const cfg = cell.config;
  switch (cell.class_name) {
    case 'SimpleRNNCell':
    case 'GRUCell':
    case 'LSTMCell': {
      const u = posInt(get(cfg, 'units'), `${what} units`);
      const gates = cell.class_name === 'SimpleRNNCell' ? 1 : cell.class_name === 'GRUCell' ? 3 : 4;
      return { params: gates * (d * u + u * u + (bool(get(cfg, 'use_bias'), true) ? u : 0)), units: u };
    }
    case 'StackedRNNCells': {
      const cells = get(cfg, 'cells');
      if (!Array.isArray(cells) || cells.length === 0 || cells.length > 64) return fail(`${what} needs 1–64 cells`);
      let width = d;
      let params = 0;
      for (const c of cells) {
        const r = cellParams(c, width, what);
        params += r.params;
        width = r.units;
      }
      return { params, units: width };
    }
    default:
      return fail(`${what} has a cell of class ${JSON.stringify(cell.class_name).slice(0, 40)}, which cannot be sized`);
  }
}

function rnn(className: string, cfg: Config, x: Shape): LayerResult {
  if (x.length !== 2) fail(`it needs a 3-D input [N,T,C], got [N,${x.map((d) => d ?? '?').join(',')}]`);
  const d = needDim(x[1], 'its input width');
  const cellClass = className === 'RNN' ? null : `${className}Cell`;
  const cell = cellClass ? { class_name: cellClass, config: cfg } : get(cfg, 'cell');
  const { params, units } = cellParams(cell, d, 'it');
  const seq = bool(get(cfg, 'return_sequences'), false);
  const out: Shape = seq ? [x[0], units] : [units];
  const states = bool(get(cfg, 'return_state'), false) ? (className === 'LSTM' ? 2 : 1) : 0;
  return { outputs: [out, ...Array.from({ length: states }, (): Shape => [units])], params, inner: 0, layers: 1 };
}

function convLstm(cfg: Config, x: Shape): LayerResult {
  if (x.length !== 4) fail(`it needs a 5-D input [N,T,H,W,C]`);
  const { dims, channels } = spatial(x.slice(1), 2, cfg, 'it');
  const cin = needDim(channels, 'its input channel count');
  const f = posInt(get(cfg, 'filters'), 'filters');
  const k = tuple(get(cfg, 'kernel_size'), 2, null, 'kernel_size');
  const strides = tuple(get(cfg, 'strides'), 2, 1, 'strides');
  const dilation = tuple(get(cfg, 'dilation_rate'), 2, 1, 'dilation_rate');
  const pad = padding(cfg);
  const kk = k[0] * k[1];
  const params = kk * cin * 4 * f + kk * f * 4 * f + (bool(get(cfg, 'use_bias'), true) ? 4 * f : 0);
  const step = join(cfg, dims.map((n, i) => convLength(n, k[i], pad, strides[i], dilation[i])), f);
  const out: Shape = bool(get(cfg, 'return_sequences'), false) ? [x[0], ...step] : step;
  const states = bool(get(cfg, 'return_state'), false) ? 2 : 0;
  return { outputs: [out, ...Array.from({ length: states }, () => step)], params, inner: 0, layers: 1 };
}

function reshape(cfg: Config, x: Shape): LayerResult {
  const target = get(cfg, 'target_shape');
  if (!Array.isArray(target) || target.length === 0 || target.length > 8) return fail('target_shape must be a list of dimensions');
  const dims = target.map((d) => (d === -1 || d === null ? -1 : posInt(d, 'target_shape')));
  const known = x.every((d) => d !== null);
  const total = elements(x);
  const free = dims.filter((d) => d === -1).length;
  if (free > 1) fail('target_shape may leave one dimension open (-1)');
  const fixed = dims.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (free === 0) {
    if (known && fixed !== total) fail(`target_shape [${dims.join(',')}] holds ${fixed} values, the input ${total}`);
    return one(dims);
  }
  if (!known) return one(dims.map((d) => (d === -1 ? null : d)));
  if (total % fixed !== 0) fail(`target_shape [${dims.join(',')}] does not divide the input's ${total} values`);
  return one(dims.map((d) => (d === -1 ? total / fixed : d)));
}

/** Every layer class the estimator sizes (tfjs 4.22's registered layers and MaskdBilinearResize; RNN cells inside RNN layers). */
export const SIZED_LAYER_CLASSES: readonly string[] = [
  'InputLayer', 'Activation', 'AlphaDropout', 'Dropout', 'GaussianDropout', 'GaussianNoise', 'SpatialDropout1D', 'ELU', 'LeakyReLU', 'ReLU',
  'Softmax', 'ThresholdedReLU', 'Masking', 'Rescaling', 'RandomWidth', 'Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose',
  'Conv3DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'AveragePooling1D', 'MaxPooling1D', 'AveragePooling2D', 'MaxPooling2D',
  'AveragePooling3D', 'MaxPooling3D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
  'BatchNormalization', 'LayerNormalization', 'PReLU', 'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'Embedding', 'Add', 'Average',
  'Maximum', 'Minimum', 'Multiply', 'Concatenate', 'Dot', 'Cropping2D', 'ZeroPadding2D', 'UpSampling2D', 'Resizing', 'CenterCrop',
  'MaskdBilinearResize', 'CategoryEncoding', 'SimpleRNN', 'GRU', 'LSTM', 'RNN', 'ConvLSTM2D', 'TimeDistributed', 'Bidirectional',
  'Sequential', 'Functional', 'Model', 'SimpleRNNCell', 'GRUCell', 'LSTMCell', 'StackedRNNCells',
];

/** Output shapes and parameters of one call of a layer on `inputs`. */
function layerCall(className: string, cfg: Config, inputs: readonly Shape[], depth: number): LayerResult {
  const x = () => first(inputs, 'it');
  switch (className) {
    case 'InputLayer': {
      const s = get(cfg, 'batch_input_shape') ?? get(cfg, 'batch_shape');
      if (s !== undefined) return one(shapeOf(s, 'batch_input_shape').slice(1));
      const i = get(cfg, 'input_shape');
      return one(i !== undefined ? shapeOf(i, 'input_shape') : x());
    }
    // Shape-preserving, no weights.
    case 'Activation':
    case 'AlphaDropout':
    case 'Dropout':
    case 'GaussianDropout':
    case 'GaussianNoise':
    case 'SpatialDropout1D':
    case 'ELU':
    case 'LeakyReLU':
    case 'ReLU':
    case 'Softmax':
    case 'ThresholdedReLU':
    case 'Masking':
    case 'Rescaling':
    case 'RandomWidth':
      return one(x());
    case 'Dense': {
      const s = x();
      if (s.length === 0) fail('it needs an input of at least 2-D');
      const d = needDim(s[s.length - 1], 'its input width');
      const u = posInt(get(cfg, 'units'), 'units');
      return one([...s.slice(0, -1), u], d * u + (bool(get(cfg, 'use_bias'), true) ? u : 0));
    }
    case 'Conv1D':
      return conv(cfg, x(), 1, 'conv');
    case 'Conv2D':
      return conv(cfg, x(), 2, 'conv');
    case 'Conv3D':
      return conv(cfg, x(), 3, 'conv');
    case 'Conv2DTranspose':
      return conv(cfg, x(), 2, 'transpose');
    case 'Conv3DTranspose':
      return conv(cfg, x(), 3, 'transpose');
    case 'SeparableConv2D':
      return conv(cfg, x(), 2, 'separable');
    case 'DepthwiseConv2D':
      return conv(cfg, x(), 2, 'depthwise');
    case 'AveragePooling1D':
    case 'MaxPooling1D':
      return pool(cfg, x(), 1);
    case 'AveragePooling2D':
    case 'MaxPooling2D':
      return pool(cfg, x(), 2);
    case 'AveragePooling3D':
    case 'MaxPooling3D':
      return pool(cfg, x(), 3);
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
      return globalPool(cfg, x(), 1);
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return globalPool(cfg, x(), 2);
    case 'BatchNormalization':
    case 'LayerNormalization': {
      const s = x();
      const axis = get(cfg, 'axis') ?? -1;
      const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => normAxis(a, s.length, 'axis'));
      const size = axes.reduce((a, i) => a * needDim(s[i], 'the normalised dimension'), 1);
      const center = bool(get(cfg, 'center'), true) ? 1 : 0;
      const scale = bool(get(cfg, 'scale'), true) ? 1 : 0;
      return one(s, size * (center + scale + (className === 'BatchNormalization' ? 2 : 0)));
    }
    case 'PReLU': {
      const s = x();
      const shared = get(cfg, 'shared_axes');
      const sharedAxes = shared === undefined || shared === null ? [] : (Array.isArray(shared) ? shared : [shared]).map((a) => normAxis(a, s.length, 'shared_axes'));
      const size = s.reduce<number>((a, d, i) => a * (sharedAxes.includes(i) ? 1 : needDim(d, 'a PReLU dimension')), 1);
      return one(s, size);
    }
    case 'Flatten':
      return one([x().every((d) => d !== null) ? elements(x()) : null]);
    case 'Reshape':
      return reshape(cfg, x());
    case 'Permute': {
      const s = x();
      const dims = get(cfg, 'dims');
      if (!Array.isArray(dims) || dims.length !== s.length) return fail(`dims must list the ${s.length} input dimensions`);
      const idx = dims.map((d) => posInt(d, 'dims') - 1);
      if (new Set(idx).size !== idx.length || idx.some((i) => i >= s.length)) fail('dims must be a permutation');
      return one(idx.map((i) => s[i]));
    }
    case 'RepeatVector': {
      const s = x();
      if (s.length !== 1) fail('it needs a 2-D input');
      return one([posInt(get(cfg, 'n'), 'n'), s[0]]);
    }
    case 'Embedding': {
      const s = x();
      const inDim = posInt(get(cfg, 'input_dim'), 'input_dim');
      const outDim = posInt(get(cfg, 'output_dim'), 'output_dim');
      return one([...s, outDim], inDim * outDim);
    }
    case 'Add':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
    case 'Multiply':
      if (inputs.length === 0) fail('it has no inputs');
      return one(broadcast(inputs));
    case 'Concatenate': {
      if (inputs.length === 0) fail('it has no inputs');
      const rank = inputs[0].length;
      if (inputs.some((s) => s.length !== rank)) fail('its inputs differ in rank');
      const axis = normAxis(get(cfg, 'axis') ?? -1, rank, 'axis');
      const out = [...inputs[0]];
      out[axis] = inputs.reduce<number | null>((a, s) => (a === null || s[axis] === null ? null : a + (s[axis] as number)), 0);
      return one(out);
    }
    case 'Dot': {
      if (inputs.length !== 2) fail('it needs two inputs');
      const [a, b] = inputs;
      const raw = get(cfg, 'axes');
      const ax = (Array.isArray(raw) ? raw : [raw, raw]).map((v, i) => normAxis(v, inputs[i].length, 'axes'));
      const out = [...a.filter((_, i) => i !== ax[0]), ...b.filter((_, i) => i !== ax[1])];
      return one(out.length ? out : [1]);
    }
    case 'Cropping2D': {
      const { dims, channels } = spatial(x(), 2, cfg, 'it');
      const [[t, b], [l, r]] = pairs(get(cfg, 'cropping'), 0, 'cropping');
      const h = dims[0] === null ? null : dims[0] - t - b;
      const w = dims[1] === null ? null : dims[1] - l - r;
      if ((h !== null && h < 1) || (w !== null && w < 1)) fail('it crops everything');
      return one(join(cfg, [h, w], channels));
    }
    case 'ZeroPadding2D': {
      const { dims, channels } = spatial(x(), 2, cfg, 'it');
      const [[t, b], [l, r]] = pairs(get(cfg, 'padding'), 1, 'padding');
      return one(join(cfg, [add(dims[0], t + b), add(dims[1], l + r)], channels));
    }
    case 'UpSampling2D': {
      const { dims, channels } = spatial(x(), 2, cfg, 'it');
      const size = tuple(get(cfg, 'size'), 2, 2, 'size');
      return one(join(cfg, dims.map((d, i) => (d === null ? null : d * size[i])), channels));
    }
    case 'Resizing':
    case 'CenterCrop':
    case 'MaskdBilinearResize': {
      const s = x();
      if (s.length !== 3) fail('it needs a 4-D input [N,H,W,C]');
      return one([posInt(get(cfg, 'height'), 'height'), posInt(get(cfg, 'width'), 'width'), s[2]]);
    }
    case 'CategoryEncoding': {
      const s = x();
      const n = posInt(get(cfg, 'num_tokens'), 'num_tokens');
      const mode = get(cfg, 'output_mode') ?? 'multiHot';
      if ((mode === 'oneHot' || mode === 'one_hot') && s.length > 0 && s[s.length - 1] !== 1) return one([...s, n]);
      return one(s.length ? [...s.slice(0, -1), n] : [n]);
    }
    case 'SimpleRNN':
    case 'GRU':
    case 'LSTM':
    case 'RNN':
      return rnn(className, cfg, x());
    case 'ConvLSTM2D':
      return convLstm(cfg, x());
    case 'TimeDistributed': {
      const s = x();
      if (s.length < 2) fail('it needs an input of at least 3-D');
      const inner = wrapped(cfg, [s.slice(1)], depth);
      return { outputs: inner.outputs.map((o) => [s[0], ...o]), params: inner.params, inner: inner.inner, layers: 1 + inner.layers };
    }
    case 'Bidirectional': {
      const inner = wrapped(cfg, inputs, depth);
      const mode = get(cfg, 'merge_mode') === undefined ? 'concat' : get(cfg, 'merge_mode');
      const o = inner.outputs[0];
      if (!o || o.length === 0) fail('the layer it wraps has no output of rank ≥ 1');
      const outputs: Shape[] =
        mode === null ? [o, o] : mode === 'concat' ? [[...o.slice(0, -1), o[o.length - 1] === null ? null : (o[o.length - 1] as number) * 2]] : [o];
      return { outputs, params: 2 * inner.params, inner: 2 * inner.inner + 2 * inner.outputs.reduce((a, s) => a + elements(s), 0), layers: 1 + 2 * inner.layers };
    }
    case 'Sequential':
    case 'Functional':
    case 'Model': {
      const r = modelEstimate(className, cfg, inputs, depth + 1);
      return { outputs: r.outputs, params: r.params, inner: r.activations, layers: r.layers };
    }
    default:
      return fail(`its class ${JSON.stringify(className).slice(0, 60)} cannot be sized before it is built, so the playground does not build it: use built-in layers (Conv2D, Dense, BatchNormalization, …)`);
  }
}

/** The layer inside TimeDistributed / Bidirectional. */
function wrapped(cfg: Config, inputs: readonly Shape[], depth: number): LayerResult {
  const layer = get(cfg, 'layer');
  if (!isRecord(layer) || typeof layer.class_name !== 'string' || !isRecord(layer.config)) return fail('it wraps no layer config');
  return layerCall(layer.class_name, layer.config, inputs, depth);
}

interface ModelResult {
  readonly outputs: Shape[];
  readonly params: number;
  readonly activations: number;
  readonly layers: number;
  readonly inputs: Shape[];
}

interface LayerSpec {
  readonly name: string;
  readonly className: string;
  readonly config: Config;
  readonly inbound: unknown;
}

function layerSpec(v: unknown, i: number): LayerSpec {
  if (!isRecord(v) || typeof v.class_name !== 'string' || !isRecord(v.config)) return fail(`layer ${i} is not {class_name, config}`);
  const name = typeof v.name === 'string' ? v.name : typeof v.config.name === 'string' ? v.config.name : `layer ${i}`;
  return { name, className: v.class_name, config: v.config, inbound: v.inbound_nodes };
}

const MAX_DEPTH = 16;
const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** Every output dimension open or a positive integer, parameters a non-negative integer: else the layer's config is not one tfjs could build. */
function checkResult(r: LayerResult): LayerResult {
  for (const s of r.outputs) {
    for (const d of s) if (d !== null && !(Number.isSafeInteger(d) && d >= 1)) fail(`its output shape [${s.map((x) => x ?? '?').join(',')}] is not a shape`);
  }
  if (!(Number.isFinite(r.params) && r.params >= 0) || !(Number.isFinite(r.inner) && r.inner >= 0)) fail('its size is not a number');
  return r;
}

function counted(name: string, className: string, fn: () => LayerResult): LayerResult {
  try {
    return checkResult(fn());
  } catch (err) {
    if (err instanceof EstimateError && !err.message.startsWith('layer "')) throw new EstimateError(`layer "${name.slice(0, 80)}" (${className.slice(0, 40)}): ${err.message}`);
    throw err;
  }
}

function sequential(cfg: unknown, outer: readonly Shape[], depth: number): ModelResult {
  const layers = Array.isArray(cfg) ? cfg : isRecord(cfg) ? get(cfg, 'layers') : undefined;
  if (!Array.isArray(layers)) return fail('a Sequential model needs a list of layers');
  if (layers.length > LIMITS.modelLayers.value) fail(`it has ${groupDigits(layers.length)} layers, over ${limitText('modelLayers')} on ${LIMITS.modelLayers.what}`);
  let shapes: Shape[] | null = outer.length ? [...outer] : null;
  let inputs: Shape[] = shapes ?? [];
  let params = 0;
  let activations = 0;
  let count = 0;
  layers.forEach((raw, i) => {
    const spec = layerSpec(raw, i);
    let current = shapes;
    if (i === 0 && spec.className !== 'InputLayer') {
      const declared = get(spec.config, 'batch_input_shape') ?? get(spec.config, 'batch_shape');
      const input = get(spec.config, 'input_shape');
      if (declared !== undefined) current = [shapeOf(declared, 'batch_input_shape').slice(1)];
      else if (input !== undefined) current = [shapeOf(input, 'input_shape')];
      if (!current) fail(`the first layer "${spec.name}" declares no input shape (batch_input_shape)`);
      inputs = current as Shape[];
    }
    const r = counted(spec.name, spec.className, () => layerCall(spec.className, spec.config, current ?? [], depth));
    if (i === 0 && spec.className === 'InputLayer') inputs = r.outputs;
    params += r.params;
    activations += r.inner + r.outputs.reduce((a, s) => a + elements(s), 0);
    count += r.layers;
    shapes = r.outputs;
  });
  return { outputs: shapes ?? [], params, activations, layers: count, inputs };
}

/** [layer name, node index, tensor index] of an inbound reference (tfjs writes arrays; Keras 3 dicts are not read by tfjs). */
function inboundRef(v: unknown): [string, number, number] {
  if (!Array.isArray(v) || typeof v[0] !== 'string') return fail('an inbound node reference is not [layer, node, tensor]');
  const node = v[1] === undefined ? 0 : v[1];
  const tensor = v[2] === undefined ? 0 : v[2];
  if (typeof node !== 'number' || !Number.isSafeInteger(node) || node < 0 || typeof tensor !== 'number' || !Number.isSafeInteger(tensor) || tensor < 0) {
    return fail('an inbound node reference has an invalid node or tensor index');
  }
  return [v[0], node, tensor];
}

function functional(cfg: Config, outer: readonly Shape[], depth: number): ModelResult {
  const raw = get(cfg, 'layers');
  if (!Array.isArray(raw)) return fail('a functional model needs a list of layers');
  if (raw.length > LIMITS.modelLayers.value) fail(`it has ${groupDigits(raw.length)} layers, over ${limitText('modelLayers')} on ${LIMITS.modelLayers.what}`);
  const specs = raw.map(layerSpec);
  const byName = new Map<string, LayerSpec>();
  for (const s of specs) {
    if (byName.has(s.name)) fail(`two layers are named "${s.name.slice(0, 80)}"`);
    byName.set(s.name, s);
  }
  const inputNames = (get(cfg, 'input_layers') as unknown[] | undefined) ?? [];
  if (!Array.isArray(inputNames)) fail('input_layers must be a list');
  // Node outputs by "layer\u0000node"; calls are resolved in passes until none is left (any order).
  const outputs = new Map<string, Shape[]>();
  const key = (layer: string, node: number) => `${layer}\u0000${node}`;
  const inputRefs = (inputNames as unknown[]).map(inboundRef);
  inputRefs.forEach(([name], i) => {
    const spec = byName.get(name) ?? fail(`input layer "${name.slice(0, 80)}" is not among the layers`);
    if (spec.className !== 'InputLayer') return;
    outputs.set(key(name, 0), counted(name, spec.className, () => layerCall('InputLayer', spec.config, outer[i] ? [outer[i]] : [], depth)).outputs);
  });
  interface Call {
    readonly spec: LayerSpec;
    readonly node: number;
    readonly refs: [string, number, number][];
  }
  const pending: Call[] = [];
  let totalCalls = 0;
  for (const spec of specs) {
    if (spec.className === 'InputLayer') {
      if (!outputs.has(key(spec.name, 0))) outputs.set(key(spec.name, 0), counted(spec.name, spec.className, () => layerCall('InputLayer', spec.config, [], depth)).outputs);
      continue;
    }
    const nodes = spec.inbound ?? [];
    if (!Array.isArray(nodes)) fail(`layer "${spec.name.slice(0, 80)}" has invalid inbound_nodes`);
    totalCalls += (nodes as unknown[]).length;
    if (totalCalls > LIMITS.modelLayers.value * 4) fail(`it calls its layers more than ${groupDigits(LIMITS.modelLayers.value * 4)} times`);
    (nodes as unknown[]).forEach((n, node) => {
      if (!Array.isArray(n)) fail(`layer "${spec.name.slice(0, 80)}" has an invalid inbound node`);
      pending.push({ spec, node, refs: (n as unknown[]).map(inboundRef) });
    });
  }
  let params = 0;
  let activations = 0;
  let count = specs.filter((s) => s.className === 'InputLayer').length;
  const sized = new Set<string>();
  let queue = pending;
  while (queue.length) {
    const next: Call[] = [];
    for (const call of queue) {
      const ins: Shape[] = [];
      let ready = true;
      for (const [layer, node, tensor] of call.refs) {
        const out = outputs.get(key(layer, node));
        if (!out) {
          ready = false;
          break;
        }
        ins.push(out[tensor] ?? fail(`layer "${call.spec.name.slice(0, 80)}" reads output ${tensor} of "${layer.slice(0, 80)}", which has ${out.length}`));
      }
      if (!ready) {
        next.push(call);
        continue;
      }
      const r = counted(call.spec.name, call.spec.className, () => layerCall(call.spec.className, call.spec.config, ins, depth));
      if (MODEL_CLASSES.has(call.spec.className)) {
        // A nested model already has the inbound node of its own construction when tfjs rebuilds it,
        // so the outer calls are its nodes 1, 2, …
        outputs.set(key(call.spec.name, call.node + 1), r.outputs);
        if (!outputs.has(key(call.spec.name, call.node))) outputs.set(key(call.spec.name, call.node), r.outputs);
      } else outputs.set(key(call.spec.name, call.node), r.outputs);
      activations += r.inner + r.outputs.reduce((a, s) => a + elements(s), 0);
      // A layer called several times (shared weights) holds its weights once.
      if (!sized.has(call.spec.name)) {
        sized.add(call.spec.name);
        params += r.params;
        count += r.layers;
      }
    }
    if (next.length === queue.length) {
      const stuck = next[0];
      const missing = stuck.refs.find(([l, n]) => !outputs.has(key(l, n)));
      return fail(`layer "${stuck.spec.name.slice(0, 80)}" reads "${missing?.[0].slice(0, 80)}", which is missing or part of a cycle`);
    }
    queue = next;
  }
  const outputRefs = (get(cfg, 'output_layers') as unknown[] | undefined) ?? [];
  if (!Array.isArray(outputRefs)) fail('output_layers must be a list');
  const outs = (outputRefs as unknown[]).map(inboundRef).map(([l, n, t]) => {
    const o = outputs.get(key(l, n)) ?? fail(`output layer "${l.slice(0, 80)}" is not among the layers`);
    return o[t] ?? fail(`output layer "${l.slice(0, 80)}" has no output ${t}`);
  });
  const inputs = inputRefs.map(([l, n, t]) => outputs.get(key(l, n))?.[t] ?? []);
  return { outputs: outs, params, activations, layers: count, inputs };
}

function modelEstimate(className: string, cfg: unknown, outer: readonly Shape[], depth: number): ModelResult {
  if (depth > MAX_DEPTH) fail(`models are nested more than ${MAX_DEPTH} deep`);
  if (className === 'Sequential') return sequential(cfg, outer, depth);
  if (!isRecord(cfg)) return fail(`a ${className} model needs a config`);
  return functional(cfg, outer, depth);
}

function sizeOf(topology: unknown): ModelResult {
  if (!isRecord(topology)) return fail('modelTopology is not an object');
  const root = isRecord(topology.model_config) ? topology.model_config : topology;
  if (typeof root.class_name !== 'string') return fail('modelTopology has no class_name');
  if (!['Sequential', 'Functional', 'Model'].includes(root.class_name)) return fail(`the top-level class ${JSON.stringify(root.class_name).slice(0, 40)} is not a model`);
  return modelEstimate(root.class_name, root.config, [], 0);
}

/** Sizes a layers-model topology; throws a ModelFileError naming `file` when it cannot be sized. */
export function estimateTopology(file: string, topology: unknown): TopologyEstimate {
  try {
    const r = sizeOf(topology);
    return { params: r.params, activationBytes: r.activations * 4, layers: r.layers, inputs: r.inputs };
  } catch (err) {
    if (err instanceof EstimateError) throw new ModelFileError(file, `cannot be sized before it is built: ${err.message}`);
    if (err instanceof ModelFileError) throw err;
    // RangeError (a too-deep structure) and the like: still a refusal, with the file named.
    throw new ModelFileError(file, `cannot be sized before it is built (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * Refuses, before tf.loadLayersModel builds anything, a topology that declares more than the limits
 * allow (layers, input side, parameters, activations) or more weights than its manifest holds
 * (`manifestValues`: elements of every weight in weightsManifest). Returns the estimate.
 */
export function checkLayersTopology(file: string, topology: unknown, manifestValues: number): TopologyEstimate {
  const est = estimateTopology(file, topology);
  if (!(est.layers <= LIMITS.modelLayers.value)) {
    throw new ModelFileError(file, `has ${groupDigits(est.layers)} layers, over ${limitText('modelLayers')} on ${LIMITS.modelLayers.what}`);
  }
  for (const s of est.inputs) {
    if (s.length === 3 && s.slice(0, 2).some((d) => d !== null && d > LIMITS.modelInputSide.value)) {
      throw new ModelFileError(
        file,
        `takes ${s[0] ?? '?'}×${s[1] ?? '?'} images, over ${limitText('modelInputSide')} on ${LIMITS.modelInputSide.what}: export it for a smaller input`,
      );
    }
  }
  if (!(est.params <= LIMITS.modelParams.value)) {
    throw new ModelFileError(
      file,
      `declares ${groupDigits(est.params)} parameters (${formatByteCount(est.params * 4)} as float32), over ${limitText('modelParams')} on ${LIMITS.modelParams.what}; nothing was built`,
    );
  }
  if (!(est.params <= manifestValues)) {
    throw new ModelFileError(
      file,
      `declares ${groupDigits(est.params)} parameters in its layers, but its weightsManifest holds ${groupDigits(manifestValues)} values: the weights are missing or belong to another model. Nothing was built; export the model again`,
    );
  }
  if (!(est.activationBytes <= LIMITS.modelActivationBytes.value)) {
    throw new ModelFileError(
      file,
      `would produce ${formatByteCount(est.activationBytes)} of activations for one image, over ${limitText('modelActivationBytes')} on ${LIMITS.modelActivationBytes.what}`,
    );
  }
  return est;
}
