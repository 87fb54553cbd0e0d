// MaxPool, AveragePool and the global pools on NHWC tensors. Pads (and ceil_mode's extra end)
// are explicit: -3.4e38 for max (never the maximum), zeros for average, which is then divided by
// each window's count of cells (inside the input, or inside input and pads with
// count_include_pad): exactly ONNX's and PyTorch's windows at the borders.
import * as tf from '@tensorflow/tfjs';
import { type Built, type BuildContext, meta } from '../context';
import { type AxisWindow, hasPad, nhwcPads, windows } from '../geometry';

function poolWindows(ctx: BuildContext): { kernel: [number, number]; win: AxisWindow[]; strides: [number, number]; shape: number[] } {
  const x = ctx.input(0).shape;
  const k = ctx.ints('kernel_shape');
  if (x.length !== 4 || !k || k.length !== 2) throw ctx.refuse('only 2-D pooling of 4-D inputs is supported');
  if ((ctx.ints('dilations') ?? [1, 1]).some((d) => d !== 1)) throw ctx.refuse('dilated pooling is not supported');
  if (ctx.int('storage_order', 0) !== 0) throw ctx.refuse('storage_order 1 is not supported');
  const win = windows(ctx, k, [x[2], x[3]], ctx.int('ceil_mode', 0) === 1);
  const s = ctx.ints('strides') ?? [1, 1];
  return { kernel: [k[0], k[1]], win, strides: [s[0], s[1]], shape: [x[0], x[1], win[0].out, win[1].out] };
}

export function buildMaxPool(ctx: BuildContext): Built {
  if (ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '') throw ctx.refuse('its Indices output is not supported');
  const { kernel, win, strides, shape } = poolWindows(ctx);
  return {
    reads: [{ input: 0, want: 'nhwc' }],
    outputs: [meta(shape, 'nhwc')],
    run: ([x]) => [tf.maxPool(hasPad(win) ? tf.pad(x as tf.Tensor4D, nhwcPads(win), -3.4e38) : (x as tf.Tensor4D), kernel, strides, 'valid')],
  };
}

/** Cells each window counts along one axis: inside [lo, hi) of the padded axis. */
export function windowCounts(w: AxisWindow, k: number, s: number, size: number, includePad: boolean, origEnd: number): number[] {
  const lo = includePad ? 0 : w.begin;
  const hi = includePad ? w.begin + size + origEnd : w.begin + size;
  return Array.from({ length: w.out }, (_, o) => Math.max(0, Math.min(o * s + k, hi) - Math.max(o * s, lo)));
}

export function buildAveragePool(ctx: BuildContext): Built {
  const { kernel, win, strides, shape } = poolWindows(ctx);
  const x = ctx.input(0).shape;
  const include = ctx.int('count_include_pad', 0) === 1;
  const pads = ctx.ints('pads') ?? [0, 0, 0, 0];
  const ch = windowCounts(win[0], kernel[0], strides[0], x[2], include, pads[2]);
  const cw = windowCounts(win[1], kernel[1], strides[1], x[3], include, pads[3]);
  const full = kernel[0] * kernel[1];
  const uniform = ch.every((c) => c === kernel[0]) && cw.every((c) => c === kernel[1]);
  // Window sums are avgPool × k²; each divided by its own count.
  const scale = uniform ? null : Float32Array.from(ch.flatMap((a) => cw.map((b) => full / (a * b))));
  return {
    reads: [{ input: 0, want: 'nhwc' }],
    outputs: [meta(shape, 'nhwc')],
    run: ([t]) => {
      const y = tf.avgPool(hasPad(win) ? tf.pad(t as tf.Tensor4D, nhwcPads(win)) : (t as tf.Tensor4D), kernel, strides, 'valid');
      return [scale ? tf.mul(y, tf.tensor4d(scale, [1, win[0].out, win[1].out, 1])) : y];
    },
  };
}

export function buildGlobalPool(ctx: BuildContext): Built {
  const x = ctx.input(0).shape;
  if (x.length !== 4) throw ctx.refuse('only 4-D inputs are supported');
  const max = ctx.node.opType === 'GlobalMaxPool';
  return {
    reads: [{ input: 0, want: 'nhwc' }],
    outputs: [meta([x[0], x[1], 1, 1], 'nhwc')],
    run: ([t]) => [max ? tf.max(t, [1, 2], true) : tf.mean(t, [1, 2], true)],
  };
}
