// One rule per Keras layer class: how a call's output shapes and parameters follow from the
// layer's config and its input shapes, the way tfjs 4.22 computes them (computeOutputShape,
// countParams). Every class tfjs registers is here, plus the playground's MaskdBilinearResize;
// a class that is not cannot be sized, so it is refused by name.
import { bool, fail, get, isRecord, needDim, normAxis, pairs, posInt, shapeOf, tuple, type Config, type Shape } from './configValues';
import { conv, globalPool, pool } from './convolutionRules';
import { one, type LayerResult, type LayerRule } from './layerRule';
import { convLstm, rnn } from './recurrentRules';
import { add, broadcast, elements, join, spatial } from './shapeMath';

const shapePreserving: LayerRule = (_, { x }) => one(x());
const convolution = (rank: number, kind: Parameters<typeof conv>[3]): LayerRule => (cfg, { x }) => conv(cfg, x(), rank, kind);
const pooling = (rank: number): LayerRule => (cfg, { x }) => pool(cfg, x(), rank);
const globalPooling = (rank: number): LayerRule => (cfg, { x }) => globalPool(cfg, x(), rank);
const recurrent: LayerRule = (cfg, { className, x }) => rnn(className, cfg, x());
const elementwise: LayerRule = (_, { inputs }) => {
  if (inputs.length === 0) fail('it has no inputs');
  return one(broadcast(inputs));
};
const normalization: LayerRule = (cfg, { className, x }) => {
  const s = x();
  const axis = get(cfg, 'axis') ?? -1;
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => normAxis(a, s.length, 'axis'));
  const size = axes.reduce((a, i) => a * needDim(s[i], 'the normalised dimension'), 1);
  const center = bool(get(cfg, 'center'), true) ? 1 : 0;
  const scale = bool(get(cfg, 'scale'), true) ? 1 : 0;
  return one(s, size * (center + scale + (className === 'BatchNormalization' ? 2 : 0)));
};
const resize: LayerRule = (cfg, { x }) => {
  const s = x();
  if (s.length !== 3) fail('it needs a 4-D input [N,H,W,C]');
  return one([posInt(get(cfg, 'height'), 'height'), posInt(get(cfg, 'width'), 'width'), s[2]]);
};
const nestedModel: LayerRule = (cfg, { className, inputs, model }) => model(className, cfg, inputs);

/** The layer config a wrapper (TimeDistributed, Bidirectional) holds. */
function wrappedLayer(cfg: Config): { className: string; config: Config } {
  const layer = get(cfg, 'layer');
  if (!isRecord(layer) || typeof layer.class_name !== 'string' || !isRecord(layer.config)) return fail('it wraps no layer config');
  return { className: layer.class_name, config: layer.config };
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

export const LAYER_RULES: Record<string, LayerRule> = {
  InputLayer: (cfg, { x }) => {
    const s = get(cfg, 'batch_input_shape') ?? get(cfg, 'batch_shape');
    if (s !== undefined) return one(shapeOf(s, 'batch_input_shape').slice(1));
    const i = get(cfg, 'input_shape');
    return one(i !== undefined ? shapeOf(i, 'input_shape') : x());
  },
  // Shape-preserving, no weights.
  Activation: shapePreserving,
  AlphaDropout: shapePreserving,
  Dropout: shapePreserving,
  GaussianDropout: shapePreserving,
  GaussianNoise: shapePreserving,
  SpatialDropout1D: shapePreserving,
  ELU: shapePreserving,
  LeakyReLU: shapePreserving,
  ReLU: shapePreserving,
  Softmax: shapePreserving,
  ThresholdedReLU: shapePreserving,
  Masking: shapePreserving,
  Rescaling: shapePreserving,
  RandomWidth: shapePreserving,
  Dense: (cfg, { x }) => {
    const s = x();
    if (s.length === 0) fail('it needs an input of at least 2-D');
    const d = needDim(s[s.length - 1], 'its input width');
    const u = posInt(get(cfg, 'units'), 'units');
    return one([...s.slice(0, -1), u], d * u + (bool(get(cfg, 'use_bias'), true) ? u : 0));
  },
  Conv1D: convolution(1, 'conv'),
  Conv2D: convolution(2, 'conv'),
  Conv3D: convolution(3, 'conv'),
  Conv2DTranspose: convolution(2, 'transpose'),
  Conv3DTranspose: convolution(3, 'transpose'),
  SeparableConv2D: convolution(2, 'separable'),
  DepthwiseConv2D: convolution(2, 'depthwise'),
  AveragePooling1D: pooling(1),
  MaxPooling1D: pooling(1),
  AveragePooling2D: pooling(2),
  MaxPooling2D: pooling(2),
  AveragePooling3D: pooling(3),
  MaxPooling3D: pooling(3),
  GlobalAveragePooling1D: globalPooling(1),
  GlobalMaxPooling1D: globalPooling(1),
  GlobalAveragePooling2D: globalPooling(2),
  GlobalMaxPooling2D: globalPooling(2),
  BatchNormalization: normalization,
  LayerNormalization: normalization,
  PReLU: (cfg, { x }) => {
    const s = x();
    const shared = get(cfg, 'shared_axes');
    const sharedAxes = shared === undefined || shared === null ? [] : (Array.isArray(shared) ? shared : [shared]).map((a) => normAxis(a, s.length, 'shared_axes'));
    const size = s.reduce<number>((a, d, i) => a * (sharedAxes.includes(i) ? 1 : needDim(d, 'a PReLU dimension')), 1);
    return one(s, size);
  },
  Flatten: (_, { x }) => one([x().every((d) => d !== null) ? elements(x()) : null]),
  Reshape: (cfg, { x }) => reshape(cfg, x()),
  Permute: (cfg, { x }) => {
    const s = x();
    const dims = get(cfg, 'dims');
    if (!Array.isArray(dims) || dims.length !== s.length) return fail(`dims must list the ${s.length} input dimensions`);
    const idx = dims.map((d) => posInt(d, 'dims') - 1);
    if (new Set(idx).size !== idx.length || idx.some((i) => i >= s.length)) fail('dims must be a permutation');
    return one(idx.map((i) => s[i]));
  },
  RepeatVector: (cfg, { x }) => {
    const s = x();
    if (s.length !== 1) fail('it needs a 2-D input');
    return one([posInt(get(cfg, 'n'), 'n'), s[0]]);
  },
  Embedding: (cfg, { x }) => {
    const s = x();
    const inDim = posInt(get(cfg, 'input_dim'), 'input_dim');
    const outDim = posInt(get(cfg, 'output_dim'), 'output_dim');
    return one([...s, outDim], inDim * outDim);
  },
  Add: elementwise,
  Average: elementwise,
  Maximum: elementwise,
  Minimum: elementwise,
  Multiply: elementwise,
  Concatenate: (cfg, { inputs }) => {
    if (inputs.length === 0) fail('it has no inputs');
    const rank = inputs[0].length;
    if (inputs.some((s) => s.length !== rank)) fail('its inputs differ in rank');
    const axis = normAxis(get(cfg, 'axis') ?? -1, rank, 'axis');
    const out = [...inputs[0]];
    out[axis] = inputs.reduce<number | null>((a, s) => (a === null || s[axis] === null ? null : a + (s[axis] as number)), 0);
    return one(out);
  },
  Dot: (cfg, { inputs }) => {
    if (inputs.length !== 2) fail('it needs two inputs');
    const [a, b] = inputs;
    const raw = get(cfg, 'axes');
    const ax = (Array.isArray(raw) ? raw : [raw, raw]).map((v, i) => normAxis(v, inputs[i].length, 'axes'));
    const out = [...a.filter((_, i) => i !== ax[0]), ...b.filter((_, i) => i !== ax[1])];
    return one(out.length ? out : [1]);
  },
  Cropping2D: (cfg, { x }) => {
    const { dims, channels } = spatial(x(), 2, cfg, 'it');
    const [[t, b], [l, r]] = pairs(get(cfg, 'cropping'), 0, 'cropping');
    const h = dims[0] === null ? null : dims[0] - t - b;
    const w = dims[1] === null ? null : dims[1] - l - r;
    if ((h !== null && h < 1) || (w !== null && w < 1)) fail('it crops everything');
    return one(join(cfg, [h, w], channels));
  },
  ZeroPadding2D: (cfg, { x }) => {
    const { dims, channels } = spatial(x(), 2, cfg, 'it');
    const [[t, b], [l, r]] = pairs(get(cfg, 'padding'), 1, 'padding');
    return one(join(cfg, [add(dims[0], t + b), add(dims[1], l + r)], channels));
  },
  UpSampling2D: (cfg, { x }) => {
    const { dims, channels } = spatial(x(), 2, cfg, 'it');
    const size = tuple(get(cfg, 'size'), 2, 2, 'size');
    return one(join(cfg, dims.map((d, i) => (d === null ? null : d * size[i])), channels));
  },
  Resizing: resize,
  CenterCrop: resize,
  MaskdBilinearResize: resize,
  CategoryEncoding: (cfg, { x }) => {
    const s = x();
    const n = posInt(get(cfg, 'num_tokens'), 'num_tokens');
    const mode = get(cfg, 'output_mode') ?? 'multiHot';
    if ((mode === 'oneHot' || mode === 'one_hot') && s.length > 0 && s[s.length - 1] !== 1) return one([...s, n]);
    return one(s.length ? [...s.slice(0, -1), n] : [n]);
  },
  SimpleRNN: recurrent,
  GRU: recurrent,
  LSTM: recurrent,
  RNN: recurrent,
  ConvLSTM2D: (cfg, { x }) => convLstm(cfg, x()),
  TimeDistributed: (cfg, { x, layer }) => {
    const s = x();
    if (s.length < 2) fail('it needs an input of at least 3-D');
    const wrapped = wrappedLayer(cfg);
    const inner = layer(wrapped.className, wrapped.config, [s.slice(1)]);
    return { outputs: inner.outputs.map((o) => [s[0], ...o]), params: inner.params, inner: inner.inner, layers: 1 + inner.layers };
  },
  Bidirectional: (cfg, { inputs, layer }) => {
    const wrapped = wrappedLayer(cfg);
    const inner = layer(wrapped.className, wrapped.config, inputs);
    const mode = get(cfg, 'merge_mode') === undefined ? 'concat' : get(cfg, 'merge_mode');
    const o = inner.outputs[0];
    if (!o || o.length === 0) fail('the layer it wraps has no output of rank ≥ 1');
    const outputs: Shape[] =
      mode === null ? [o, o] : mode === 'concat' ? [[...o.slice(0, -1), o[o.length - 1] === null ? null : (o[o.length - 1] as number) * 2]] : [o];
    return { outputs, params: 2 * inner.params, inner: 2 * inner.inner + 2 * inner.outputs.reduce((a, s) => a + elements(s), 0), layers: 1 + 2 * inner.layers };
  },
  Sequential: nestedModel,
  Functional: nestedModel,
  Model: nestedModel,
};

/** The rule for `className`, or a refusal naming it. */
export function ruleFor(className: string): LayerRule {
  if (Object.prototype.hasOwnProperty.call(LAYER_RULES, className)) return LAYER_RULES[className];
  return fail(
    `its class ${JSON.stringify(className).slice(0, 60)} cannot be sized before it is built, so the playground does not build it: use built-in layers (Conv2D, Dense, BatchNormalization, …)`,
  );
}
