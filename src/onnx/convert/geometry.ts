// Window arithmetic shared by Conv, ConvTranspose and the pools: ONNX pads / auto_pad / ceil_mode
// turned into explicit begin and end pads per spatial axis, and the output size.
import type { BuildContext } from './context';

export interface AxisWindow {
  readonly begin: number;
  readonly end: number;
  readonly out: number;
}

/**
 * Pads and output size of a window of `k` (dilated extent), stride `s`, on an axis of `size`.
 * `extraForCeil`: the end pad ceil_mode adds (the last window may start inside the end pad).
 */
export function windows(ctx: BuildContext, kernel: readonly number[], inSize: readonly number[], ceil = false): AxisWindow[] {
  const n = kernel.length;
  const strides = ctx.ints('strides') ?? new Array<number>(n).fill(1);
  const dil = ctx.ints('dilations') ?? new Array<number>(n).fill(1);
  const pads = ctx.ints('pads') ?? new Array<number>(2 * n).fill(0);
  const auto = ctx.str('auto_pad', 'NOTSET');
  return kernel.map((k, i) => {
    const size = inSize[i];
    const ext = dil[i] * (k - 1) + 1;
    const s = strides[i];
    if (!(size > 0)) throw ctx.refuse('a spatial size that is not known before the graph runs');
    if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
      const out = Math.ceil(size / s);
      const total = Math.max(0, (out - 1) * s + ext - size);
      const small = Math.floor(total / 2);
      return auto === 'SAME_UPPER' ? { begin: small, end: total - small, out } : { begin: total - small, end: small, out };
    }
    const [b, e] = auto === 'VALID' ? [0, 0] : [pads[i], pads[i + n]];
    if (b < 0 || e < 0) throw ctx.refuse('negative pads');
    const span = size + b + e - ext;
    if (span < 0) throw ctx.refuse(`a window of ${ext} larger than its padded input (${size + b + e})`);
    let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    // PyTorch / ONNX: the last window must start inside the input or the begin pad.
    if (ceil && (out - 1) * s >= size + b) out--;
    const end = Math.max(e, (out - 1) * s + ext - size - b);
    return { begin: b, end, out };
  });
}

/** The [[0,0],[t,b],[l,r],[0,0]] paddings of an NHWC tensor. */
export function nhwcPads(w: readonly AxisWindow[]): [number, number][] {
  return [[0, 0], [w[0].begin, w[0].end], [w[1].begin, w[1].end], [0, 0]];
}

export const hasPad = (w: readonly AxisWindow[]) => w.some((a) => a.begin > 0 || a.end > 0);
