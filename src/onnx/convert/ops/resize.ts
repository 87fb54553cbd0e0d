// Resize (opset 11+) and Upsample on the two spatial axes of an NHWC tensor. The converter builds
// each axis's interpolation exactly as ONNX defines it (coordinate transformation, nearest mode,
// linear weights clamped at the borders), then runs TF.js's own resize when its sampling is the
// same matrix, or else two small matrix products (exact for any mode, with gradients everywhere).
import { LIMITS } from '../../../limits';
import * as tf from '@tensorflow/tfjs';
import { type Built, type BuildContext, meta } from '../context';
import { BATCH } from '../types';

/** The largest side a Resize may produce (8 × the input side cap). */
const MAX_RESIZE_SIDE = 8 * LIMITS.modelInputSide.value;

type Coord = (x: number, inSize: number, outSize: number, scale: number) => number;

const COORD: Record<string, Coord> = {
  half_pixel: (x, _i, _o, s) => (x + 0.5) / s - 0.5,
  pytorch_half_pixel: (x, _i, o, s) => (o > 1 ? (x + 0.5) / s - 0.5 : 0),
  align_corners: (x, i, o) => (o === 1 ? 0 : (x * (i - 1)) / (o - 1)),
  asymmetric: (x, _i, _o, s) => x / s,
  tf_half_pixel_for_nn: (x, _i, _o, s) => (x + 0.5) / s,
};

const NEAREST: Record<string, (v: number) => number> = {
  round_prefer_floor: (v) => (v - Math.floor(v) === 0.5 ? Math.floor(v) : Math.round(v)),
  round_prefer_ceil: (v) => Math.round(v),
  floor: Math.floor,
  ceil: Math.ceil,
};

/** The [out, in] sampling matrix of one axis, row-major. */
function onnxMatrix(mode: 'nearest' | 'linear', coord: Coord, round: (v: number) => number, inSize: number, outSize: number, scale: number): Float64Array {
  const m = new Float64Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const x = coord(o, inSize, outSize, scale);
    if (mode === 'nearest') m[o * inSize + Math.max(0, Math.min(inSize - 1, round(x)))] = 1;
    else {
      const c = Math.max(0, Math.min(inSize - 1, x));
      const x0 = Math.floor(c), x1 = Math.min(x0 + 1, inSize - 1), w = c - x0;
      m[o * inSize + x0] += 1 - w;
      m[o * inSize + x1] += w;
    }
  }
  return m;
}

/** TF.js's own sampling matrix for resizeBilinear / resizeNearestNeighbor with these flags. */
function tfMatrix(mode: 'nearest' | 'linear', alignCorners: boolean, halfPixel: boolean, inSize: number, outSize: number): Float64Array {
  const effIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const ratio = effIn / effOut;
  if (mode === 'nearest') {
    return onnxMatrix('nearest', (x) => (halfPixel ? ratio * (x + 0.5) : ratio * x), alignCorners ? Math.round : Math.floor, inSize, outSize, 1);
  }
  return onnxMatrix('linear', (x) => (halfPixel ? ratio * (x + 0.5) - 0.5 : ratio * x), Math.floor, inSize, outSize, 1);
}

const same = (a: Float64Array, b: Float64Array) => a.every((v, i) => Math.abs(v - b[i]) < 1e-6);

/** Resamples axis 1 or 2 of an NHWC tensor with an [out, in] matrix. */
function resizeAxis(x: tf.Tensor, axis: 1 | 2, m: tf.Tensor2D): tf.Tensor {
  const [perm, back] = axis === 1 ? [[1, 0, 2, 3], [1, 0, 2, 3]] : [[2, 0, 1, 3], [1, 2, 0, 3]];
  const t = tf.transpose(x, perm);
  const [inSize, ...rest] = t.shape;
  const y = tf.reshape(tf.matMul(m, tf.reshape(t, [inSize, -1])), [m.shape[0], ...rest]);
  return tf.transpose(y, back);
}

/** A Resize's sampling, decided before the graph runs: per spatial axis its [out, in] matrix. */
export interface ResizeSampling {
  readonly mode: 'nearest' | 'linear';
  readonly inHW: readonly number[];
  readonly outHW: readonly number[];
  readonly mats: readonly Float64Array[];
}

/** The node's sampling matrices (ONNX's definition), or a refusal naming what is not supported. */
export function resizeSampling(ctx: BuildContext): ResizeSampling {
  const x = ctx.input(0).shape;
  if (x.length !== 4) throw ctx.refuse('only 4-D inputs are resized');
  const upsample = ctx.node.opType === 'Upsample';
  const modeName = ctx.str('mode', 'nearest');
  const mode = modeName === 'nearest' ? 'nearest' : modeName === 'linear' || modeName === 'bilinear' ? 'linear' : null;
  if (!mode) throw ctx.refuse(`mode "${modeName}" is not supported (nearest and linear are)`);
  const coordName = upsample ? 'asymmetric' : ctx.str('coordinate_transformation_mode', 'half_pixel');
  const coord = COORD[coordName];
  if (!coord) throw ctx.refuse(`coordinate_transformation_mode "${coordName}" is not supported`);
  const round = NEAREST[upsample ? 'floor' : ctx.str('nearest_mode', 'round_prefer_floor')];
  if (!round) throw ctx.refuse(`nearest_mode "${ctx.str('nearest_mode', '')}" is not supported`);
  if (ctx.int('antialias', 0) !== 0) throw ctx.refuse('antialias is not supported');
  if (ctx.ints('axes')) throw ctx.refuse('the axes attribute is not supported');
  const [scalesAt, sizesAt] = upsample ? [1, -1] : [2, 3];
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  const scalesAttr = ctx.node.attrs.get('scales');
  if (upsample && ctx.opset < 9) scales = scalesAttr?.type === 'floats' ? [...scalesAttr.value] : undefined;
  else if (ctx.has(scalesAt) && ctx.requireConst(scalesAt, 'scales').values.length > 0) scales = ctx.requireKnown(scalesAt, 'scales');
  if (sizesAt > 0 && ctx.has(sizesAt) && ctx.requireConst(sizesAt, 'sizes').values.length > 0) sizes = ctx.requireConst(sizesAt, 'sizes').values.slice();
  if (!scales && !sizes) throw ctx.refuse('neither scales nor sizes are given');
  if (scales && (scales.length !== 4 || scales[0] !== 1 || scales[1] !== 1)) throw ctx.refuse('only the two spatial axes may be scaled');
  if (sizes && (sizes.length !== 4 || sizes[1] !== x[1])) throw ctx.refuse('only the two spatial axes may be resized');
  const inHW = [x[2], x[3]];
  const outHW = [0, 1].map((i) => (sizes ? sizes[i + 2] : Math.floor(inHW[i] * scales![i + 2])));
  const axisScale = [0, 1].map((i) => (scales ? scales[i + 2] : outHW[i] / inHW[i]));
  if (outHW.some((o) => !(o > 0 && Number.isInteger(o)))) throw ctx.refuse(`an output size of ${outHW.join('×')}`);
  // Feature maps never grow far past the input (its side is capped); the sampling matrices are out × in.
  if (outHW.some((o) => o > MAX_RESIZE_SIDE)) throw ctx.refuse(`an output of ${outHW.join('×')}, over ${MAX_RESIZE_SIDE} a side`);
  const mats = [0, 1].map((i) => onnxMatrix(mode, coord, round, inHW[i], outHW[i], axisScale[i]));
  return { mode, inHW, outHW, mats };
}

export function buildResize(ctx: BuildContext): Built {
  const x = ctx.input(0).shape;
  const { mode, inHW, outHW, mats } = resizeSampling(ctx);
  // TF.js's own resize when it samples the same: the usual PyTorch exports take this path.
  // Not on non-square maps: TF.js 4.22's resize gradients swap H and W there (the cpu backend
  // throws on the shape, and the gradient wasm returns disagrees with finite differences).
  const square = inHW[0] === inHW[1] && outHW[0] === outHW[1];
  const flags = !square ? undefined : [[false, false], [true, false], [false, true]].find(([a, h]) => [0, 1].every((i) => same(mats[i], tfMatrix(mode, a, h, inHW[i], outHW[i]))));
  const out = meta([x[0] === BATCH ? BATCH : x[0], x[1], outHW[0], outHW[1]], 'nhwc');
  const reads = [{ input: 0, want: 'nhwc' as const }];
  if (flags) {
    const [alignCorners, halfPixel] = flags;
    const size: [number, number] = [outHW[0], outHW[1]];
    return {
      reads, outputs: [out],
      run: ([t]) => [mode === 'linear' ? tf.image.resizeBilinear(t as tf.Tensor4D, size, alignCorners, halfPixel) : tf.image.resizeNearestNeighbor(t as tf.Tensor4D, size, alignCorners, halfPixel)],
    };
  }
  const m32 = mats.map((m) => Float32Array.from(m));
  return {
    reads, outputs: [out],
    run: ([t]) => {
      const h = resizeAxis(t, 1, tf.tensor2d(m32[0], [outHW[0], inHW[0]]));
      return [resizeAxis(h, 2, tf.tensor2d(m32[1], [outHW[1], inHW[1]]))];
    },
  };
}
