// Conv and ConvTranspose on NHWC tensors. Their weights are stored HWIO ([kh, kw, I/g, O], and
// [kh, kw, Cout, Cin] for ConvTranspose, what tf.conv2d / tf.conv2dTranspose take): the plan
// permutes the initialiser once at import and the writer permutes it back.
import * as tf from '@tensorflow/tfjs';
import { type Built, type BuildContext, meta } from '../context';
import { type AxisWindow, hasPad, nhwcPads, windows } from '../geometry';
import { BATCH } from '../types';

function spatial(ctx: BuildContext): { kernel: [number, number]; inHW: [number, number] } {
  const x = ctx.input(0).shape, w = ctx.input(1).shape;
  if (x.length !== 4 || w.length !== 4) throw ctx.refuse('only 2-D convolutions (4-D inputs and weights) are supported');
  const ks = ctx.ints('kernel_shape') ?? [w[2], w[3]];
  return { kernel: [ks[0], ks[1]], inHW: [x[2], x[3]] };
}

/** The convolution with pads applied as an explicit tf.pad when they are uneven. */
function padded(x: tf.Tensor4D, win: readonly AxisWindow[]): { x: tf.Tensor4D; pad: number | 'valid' } {
  if (!hasPad(win)) return { x, pad: 'valid' };
  const [h, w] = win;
  if (h.begin === h.end && w.begin === w.end && h.begin === w.begin) return { x, pad: h.begin };
  return { x: tf.pad(x, nhwcPads(win)), pad: 'valid' };
}

/** [kh, kw, I, O] with d−1 zeros between taps along each spatial axis: [(kh−1)·dh+1, (kw−1)·dw+1, I, O]. */
function dilated(f: tf.Tensor4D, dil: readonly number[]): tf.Tensor4D {
  let k: tf.Tensor4D = f;
  for (const axis of [0, 1] as const) {
    const d = dil[axis];
    if (d === 1) continue;
    const n = k.shape[axis];
    // Each tap followed by d−1 zeros, then the trailing zeros cut off.
    const split = axis === 0 ? [n, 1, k.shape[1], k.shape[2], k.shape[3]] : [k.shape[0], n, 1, k.shape[2], k.shape[3]];
    const pads: [number, number][] = split.map((_, i) => (i === axis + 1 ? [0, d - 1] : [0, 0]));
    const spread = tf.reshape(tf.pad(tf.reshape(k, split), pads), k.shape.map((s, i) => (i === axis ? s * d : s)));
    k = tf.slice(spread, [0, 0, 0, 0], spread.shape.map((s, i) => (i === axis ? (n - 1) * d + 1 : s))) as tf.Tensor4D;
  }
  return k;
}

/** The outputs a tap at offset `off` (its index times the dilation) of a window reaches inside the input, and where it reads. */
interface TapRange {
  /** First and last output index whose read lands in the input; first > last: none does. */
  readonly first: number;
  readonly last: number;
  /** The input index the first of them reads. */
  readonly at: number;
}

function tapRange(off: number, win: AxisWindow, size: number, stride: number): TapRange {
  // Output o reads input o·s + off − begin.
  const first = Math.max(0, Math.ceil((win.begin - off) / stride));
  const last = Math.min(win.out - 1, Math.floor((size - 1 + win.begin - off) / stride));
  return { first, last, at: first * stride + off - win.begin };
}

/**
 * A dilated convolution as a sum over its kernel taps. Spreading the kernel with zeros (`dilated`)
 * costs ((k−1)·d+1)² taps: DeepLabV3's ASPP (3×3, dilation 24, 960→256) would need a
 * 49×49×960×256 kernel (2.4 GB, and a 3.5 GB tensor on the way). Here
 * each tap (i, j) is a 1×1 convolution (with the node's strides) of the input slice it reads,
 * padded back to the output where the tap only sees pads, and the taps are added. A tap that
 * reads nothing but pads for every output is skipped, so a dilation larger than the feature map
 * costs a 1×1 convolution. Work and memory are those of the undilated kernel on the output.
 */
function dilatedByTaps(
  x: tf.Tensor4D, f: tf.Tensor4D, cout: number, win: readonly AxisWindow[], inHW: readonly number[], strides: readonly number[], dil: readonly number[],
  conv: (x: tf.Tensor4D, f: tf.Tensor4D, strides: [number, number]) => tf.Tensor4D,
): tf.Tensor4D {
  const [kh, kw, ci, co] = f.shape;
  const n = x.shape[0];
  const parts: tf.Tensor4D[] = [];
  for (let i = 0; i < kh; i++) {
    const r = tapRange(i * dil[0], win[0], inHW[0], strides[0]);
    if (r.first > r.last) continue;
    for (let j = 0; j < kw; j++) {
      const c = tapRange(j * dil[1], win[1], inHW[1], strides[1]);
      if (c.first > c.last) continue;
      const rows = r.last - r.first + 1, cols = c.last - c.first + 1;
      const xs = tf.slice(x, [0, r.at, c.at, 0], [n, (rows - 1) * strides[0] + 1, (cols - 1) * strides[1] + 1, x.shape[3]]);
      const y = conv(xs, tf.slice(f, [i, j, 0, 0], [1, 1, ci, co]), [strides[0], strides[1]]);
      const outPads: [number, number][] = [[0, 0], [r.first, win[0].out - 1 - r.last], [c.first, win[1].out - 1 - c.last], [0, 0]];
      parts.push(outPads.some(([a, b]) => a > 0 || b > 0) ? tf.pad(y, outPads) : y);
    }
  }
  if (parts.length === 0) return tf.zeros([n, win[0].out, win[1].out, cout]);
  return parts.length === 1 ? parts[0] : tf.addN(parts);
}

/** Whether a dilated kernel of `perTap` weights per tap runs by taps (else spread with zeros). */
export function usesTaps(kernel: readonly number[], dil: readonly number[], perTap: number): boolean {
  if (dil.every((d) => d === 1)) return false;
  const taps = kernel[0] * kernel[1];
  const spread = ((kernel[0] - 1) * dil[0] + 1) * ((kernel[1] - 1) * dil[1] + 1);
  return spread > 4 * taps || spread * perTap * 4 > 64 * 2 ** 20;
}

export function buildConv(ctx: BuildContext): Built {
  const { kernel, inHW } = spatial(ctx);
  const x = ctx.input(0).shape, w = ctx.input(1).shape;
  const group = ctx.int('group', 1);
  const cin = x[1], cout = w[0];
  if (cin % group !== 0 || cout % group !== 0 || w[1] !== cin / group) throw ctx.refuse(`weights [${w.join(',')}] do not fit ${cin} input channels in ${group} groups`);
  const win = windows(ctx, kernel, inHW);
  const strides = (ctx.ints('strides') ?? [1, 1]) as [number, number];
  const dil = (ctx.ints('dilations') ?? [1, 1]) as [number, number];
  // TF.js has no gradient for dilated convolutions (and takes strides or dilations, not both).
  // A small dilation runs as the equivalent undilated kernel with zeros between its taps (one
  // convolution: 1.6–3.4× faster to train than the taps on wasm for MobileNetV3-like 5×5 and 3×3
  // depthwise at dilation 2); one whose spread kernel has more than 4× the taps, or over 64 MiB,
  // as a sum of 1×1 convolutions, one per tap (dilatedByTaps).
  const byTaps = usesTaps(kernel, dil, (cin / group) * cout);
  const depthwise = group === cin && group > 1;
  const hasBias = ctx.has(2);
  const reads = [{ input: 0, want: 'nhwc' as const }, { input: 1, want: 'kernel' as const }, ...(hasBias ? [{ input: 2, want: 'logical' as const }] : [])];
  return {
    reads,
    outputs: [meta([x[0], cout, win[0].out, win[1].out], 'nhwc')],
    run: ([input, filter, bias]) => {
      // The convolution of `group` groups with an undilated kernel.
      const conv = (xin: tf.Tensor4D, f: tf.Tensor4D, s: [number, number], pad: number | 'valid' = 'valid'): tf.Tensor4D => {
        if (group === 1) return tf.conv2d(xin, f, s, pad, 'NHWC');
        if (depthwise) return tf.depthwiseConv2d(xin, tf.reshape(f, [f.shape[0], f.shape[1], cin, cout / cin]), s, pad, 'NHWC');
        const ig = cin / group, og = cout / group;
        const xs = tf.split(xin, group, 3);
        const ys = xs.map((xi, g) => tf.conv2d(xi as tf.Tensor4D, tf.slice(f, [0, 0, 0, g * og], [f.shape[0], f.shape[1], ig, og]), s, pad, 'NHWC'));
        return tf.concat(ys, 3) as tf.Tensor4D;
      };
      let y: tf.Tensor4D;
      if (byTaps) y = dilatedByTaps(input as tf.Tensor4D, filter as tf.Tensor4D, cout, win, inHW, strides, dil, conv);
      else {
        const p = padded(input as tf.Tensor4D, win);
        y = conv(p.x, dilated(filter as tf.Tensor4D, dil), strides, p.pad);
      }
      return [bias ? tf.add(y, bias) : y];
    },
  };
}

export function buildConvTranspose(ctx: BuildContext): Built {
  const { kernel, inHW } = spatial(ctx);
  const x = ctx.input(0).shape, w = ctx.input(1).shape;
  if (ctx.int('group', 1) !== 1) throw ctx.refuse('grouped transposed convolutions are not supported');
  if ((ctx.ints('dilations') ?? [1, 1]).some((d) => d !== 1)) throw ctx.refuse('dilated transposed convolutions are not supported');
  if (ctx.ints('output_shape')) throw ctx.refuse('output_shape is not supported (export without output_size)');
  const auto = ctx.str('auto_pad', 'NOTSET');
  if (auto !== 'NOTSET' && auto !== 'VALID') throw ctx.refuse(`auto_pad ${auto} is not supported`);
  if (w[0] !== x[1]) throw ctx.refuse(`weights [${w.join(',')}] do not fit ${x[1]} input channels`);
  const cout = w[1];
  const strides = ctx.ints('strides') ?? [1, 1];
  const pads = auto === 'VALID' ? [0, 0, 0, 0] : (ctx.ints('pads') ?? [0, 0, 0, 0]);
  const outPad = ctx.ints('output_padding') ?? [0, 0];
  const full = [0, 1].map((i) => strides[i] * (inHW[i] - 1) + kernel[i]);
  const out = [0, 1].map((i) => full[i] + outPad[i] - pads[i] - pads[i + 2]);
  if (out.some((o) => o <= 0) || pads.some((p) => p < 0)) throw ctx.refuse('pads larger than its output');
  const hasBias = ctx.has(2);
  const reads = [{ input: 0, want: 'nhwc' as const }, { input: 1, want: 'kernel' as const }, ...(hasBias ? [{ input: 2, want: 'logical' as const }] : [])];
  return {
    reads,
    outputs: [meta([x[0] === BATCH ? BATCH : x[0], cout, out[0], out[1]], 'nhwc')],
    run: ([input, filter, bias]) => {
      const n = input.shape[0];
      let y: tf.Tensor4D = tf.conv2dTranspose(input as tf.Tensor4D, filter as tf.Tensor4D, [n, full[0], full[1], cout], [strides[0], strides[1]], 'valid');
      // Rows past the full output (output_padding beyond the end pad) are zeros, then bias.
      const extra = [0, 1].map((i) => Math.max(0, pads[i] + out[i] - full[i]));
      if (extra[0] || extra[1]) y = tf.pad(y, [[0, 0], [0, extra[0]], [0, extra[1]], [0, 0]]);
      y = tf.slice(y, [0, pads[0], pads[1], 0], [n, out[0], out[1], cout]);
      return [bias ? tf.add(y, bias) : y];
    },
  };
}
