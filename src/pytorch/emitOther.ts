// Emitters of the layers without convolution kernels: BatchNormalization (TF's epsilon, PyTorch
// momentum = 1 − TF momentum, TF.js's biased moving variance: TfBatchNorm), activations, merges,
// pooling, resizing, padding and cropping, reshape/permute/flatten, dropout.
import type { LayerNode } from './graph';
import type { Emitted, Emitter } from './emitConv';
import { activationExpr, pair, py, pyFloat, torchDim } from './emitHelpers';
import { f32, filled, int64Scalar } from './layout';

const cfg = (n: LayerNode, key: string): unknown => n.config[key];
const rankIn = (n: LayerNode, i = 0): number => n.inputShapes[i]?.length ?? 0;
const num = (n: LayerNode, key: string, fallback: number): number => {
  const v = cfg(n, key);
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
};

export const batchNormalization: Emitter = (n, [x]) => {
  const rank = rankIn(n);
  const axisCfg = cfg(n, 'axis');
  const axis = (Array.isArray(axisCfg) ? axisCfg : [axisCfg ?? -1]) as number[];
  if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== rank - 1)) throw new Error(`normalises axis ${JSON.stringify(axisCfg)} (only the channel axis)`);
  if (rank !== 2 && rank !== 4) throw new Error(`a ${rank}-D input (only 2-D and 4-D)`);
  const c = n.inputShapes[0][rank - 1] as number;
  const center = cfg(n, 'center') !== false;
  const scale = cfg(n, 'scale') !== false;
  const w = n.weights;
  if (!w.moving_mean || !w.moving_variance) throw new Error('has no moving statistics');
  return {
    module: `TfBatchNorm(${c}, eps=${pyFloat(num(n, 'epsilon', 1e-3))}, momentum=${pyFloat(1 - num(n, 'momentum', 0.99))})`,
    after: [...(scale ? [] : ['{m}.weight.requires_grad_(False)']), ...(center ? [] : ['{m}.bias.requires_grad_(False)'])],
    state: {
      weight: scale ? f32(w.gamma) : filled(c, 1),
      bias: center ? f32(w.beta) : filled(c, 0),
      running_mean: f32(w.moving_mean),
      running_var: f32(w.moving_variance),
      num_batches_tracked: int64Scalar(0),
    },
    forward: `{m}(${x})`,
  };
};

const expr = (forward: string): Emitted => ({ forward });

export const activation: Emitter = (n, [x]) => {
  const e = activationExpr(cfg(n, 'activation'), x, rankIn(n));
  if (e === null) throw new Error(`activation ${String(cfg(n, 'activation'))} has no PyTorch form here`);
  return expr(e);
};

export const relu: Emitter = (n, [x]) => {
  const max = cfg(n, 'maxValue');
  return expr(typeof max === 'number' ? `torch.clamp(${x}, 0.0, ${pyFloat(max)})` : `F.relu(${x})`);
};
export const leakyRelu: Emitter = (n, [x]) => expr(`F.leaky_relu(${x}, ${pyFloat(num(n, 'alpha', 0.3))})`);
export const elu: Emitter = (n, [x]) => expr(`F.elu(${x}, ${pyFloat(num(n, 'alpha', 1))})`);
export const thresholdedRelu: Emitter = (n, [x]) => expr(`F.threshold(${x}, ${pyFloat(num(n, 'theta', 1))}, 0.0)`);
export const softmax: Emitter = (n, [x]) => {
  const a = cfg(n, 'axis');
  const axis = Array.isArray(a) ? (a.length === 1 ? (a[0] as number) : NaN) : ((a as number | undefined) ?? 1); // TF.js's Softmax layer defaults to axis 1
  return expr(`F.softmax(${x}, dim=${torchDim(axis, rankIn(n))})`);
};

const fold = (op: string) => (xs: readonly string[]) => xs.slice(1).reduce((acc, x) => `${op}(${acc}, ${x})`, xs[0]);
export const add: Emitter = (_n, xs) => expr(`(${xs.join(' + ')})`);
export const multiply: Emitter = (_n, xs) => expr(`(${xs.join(' * ')})`);
export const average: Emitter = (_n, xs) => expr(`((${xs.join(' + ')}) / ${xs.length})`);
export const maximum: Emitter = (_n, xs) => expr(fold('torch.maximum')(xs));
export const minimum: Emitter = (_n, xs) => expr(fold('torch.minimum')(xs));
export const concatenate: Emitter = (n, xs) => expr(`torch.cat([${xs.join(', ')}], dim=${torchDim(num(n, 'axis', -1), rankIn(n))})`);

function poolArgs(n: LayerNode) {
  if (rankIn(n) !== 4) throw new Error('needs a 4-D input');
  const f = cfg(n, 'dataFormat');
  if (f !== undefined && f !== null && f !== 'channelsLast') throw new Error(`dataFormat ${String(f)} (only channelsLast)`);
  const k = pair(cfg(n, 'poolSize') ?? 2, 'poolSize');
  const s = pair(cfg(n, 'strides') ?? k, 'strides');
  const p = cfg(n, 'padding') ?? 'valid';
  if (p !== 'same' && p !== 'valid') throw new Error(`padding ${String(p)} (only same and valid)`);
  return { k, s, same: p === 'same' };
}

export const maxPooling2d: Emitter = (n, [x]) => {
  const { k, s, same } = poolArgs(n);
  return expr(`F.max_pool2d(${same ? `same_pad(${x}, ${py(k)}, ${py(s)}, value=float("-inf"))` : x}, ${py(k)}, ${py(s)})`);
};
export const averagePooling2d: Emitter = (n, [x]) => {
  const { k, s, same } = poolArgs(n);
  return expr(same ? `avg_pool_same(${x}, ${py(k)}, ${py(s)})` : `F.avg_pool2d(${x}, ${py(k)}, ${py(s)})`);
};
function globalPool(op: string): Emitter {
  return (n, [x]) => {
    if (rankIn(n) !== 4) throw new Error('needs a 4-D input');
    if (cfg(n, 'keepDims') === true) throw new Error('keepDims is not exported');
    return expr(`${x}.${op}(dim=(2, 3))`);
  };
}
export const globalAveragePooling2d = globalPool('mean');
export const globalMaxPooling2d = globalPool('amax');

export const upSampling2d: Emitter = (n, [x]) => {
  const [sh, sw] = pair(cfg(n, 'size') ?? 2, 'size');
  const [, h, w] = n.inputShapes[0] as number[];
  const interpolation = cfg(n, 'interpolation') ?? 'nearest';
  if (interpolation === 'nearest') return expr(`F.interpolate(${x}, scale_factor=(${sh}.0, ${sw}.0), mode="nearest")`);
  if (interpolation === 'bilinear') return expr(`resize_bilinear_legacy(${x}, ${x}.shape[2] * ${sh}, ${x}.shape[3] * ${sw})`);
  throw new Error(`interpolation ${String(interpolation)} (${h}x${w})`);
};

/** The playground's own MaskdBilinearResize: tf.image.resizeBilinear with alignCorners = true. */
export const bilinearResize: Emitter = (n, [x]) => {
  const h = num(n, 'height', NaN);
  const w = num(n, 'width', NaN);
  if (!Number.isInteger(h) || !Number.isInteger(w)) throw new Error('needs integer height and width');
  return expr(`F.interpolate(${x}, size=(${h}, ${w}), mode="bilinear", align_corners=True)`);
};

function sides(n: LayerNode, key: string): [number, number, number, number] {
  const v = cfg(n, key);
  if (typeof v === 'number') return [v, v, v, v];
  if (Array.isArray(v) && v.length === 2) {
    const [a, b] = v.map((p) => (typeof p === 'number' ? [p, p] : (p as number[])));
    return [a[0], a[1], b[0], b[1]];
  }
  throw new Error(`${key} ${JSON.stringify(v)} is not understood`);
}
export const zeroPadding2d: Emitter = (n, [x]) => {
  const [t, b, l, r] = sides(n, 'padding');
  return expr(`F.pad(${x}, (${l}, ${r}, ${t}, ${b}))`);
};
export const cropping2d: Emitter = (n, [x]) => {
  const [t, b, l, r] = sides(n, 'cropping');
  return expr(`${x}[:, :, ${t}:${x}.shape[2] - ${b}, ${l}:${x}.shape[3] - ${r}]`);
};

export const reshape: Emitter = (n, [x]) => {
  const target = cfg(n, 'targetShape') as number[];
  return expr(`from_tf(to_tf(${x}).reshape((${x}.shape[0], ${target.join(', ')})))`);
};
export const permute: Emitter = (n, [x]) => {
  const dims = cfg(n, 'dims') as number[];
  return expr(`from_tf(to_tf(${x}).permute(0, ${dims.join(', ')}))`);
};
export const flatten: Emitter = (_n, [x]) => expr(`to_tf(${x}).flatten(1)`);
export const dropout: Emitter = (n, [x]) => ({ module: `nn.Dropout(${pyFloat(num(n, 'rate', 0))})`, forward: `{m}(${x})` });
