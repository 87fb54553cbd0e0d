// Pad: constant, reflect and edge, on the tensor's own layout (pads remapped for NHWC).
import * as tf from '@tensorflow/tfjs';
import { type Built, type BuildContext, meta, normAxis, runtimeAxis } from '../context';
import { BATCH } from '../types';

/** Edge padding along one axis: the first and last slices repeated. */
function edgePad(x: tf.Tensor, axis: number, before: number, after: number): tf.Tensor {
  const size = x.shape[axis];
  const take = (i: number) => tf.slice(x, x.shape.map((_, k) => (k === axis ? i : 0)), x.shape.map((d, k) => (k === axis ? 1 : d)));
  const reps = (n: number) => x.shape.map((_, k) => (k === axis ? n : 1));
  const parts = [...(before ? [tf.tile(take(0), reps(before))] : []), x, ...(after ? [tf.tile(take(size - 1), reps(after))] : [])];
  return parts.length === 1 ? x : tf.concat(parts, axis);
}

export function buildPad(ctx: BuildContext): Built {
  const x = ctx.input(0);
  const rank = x.shape.length;
  const mode = ctx.str('mode', 'constant');
  if (!['constant', 'reflect', 'edge'].includes(mode)) throw ctx.refuse(`mode "${mode}" is not supported`);
  const raw = ctx.opset >= 11 ? ctx.requireInts(1, 'pads') : (ctx.ints('pads') ?? []);
  const value = ctx.opset >= 11 ? (ctx.has(2) ? ctx.requireKnown(2, 'constant value')[0] ?? 0 : 0) : ctx.float('value', 0);
  const axes = ctx.opset >= 18 && ctx.has(3) ? ctx.requireInts(3, 'axes').map((a) => normAxis(ctx, a, rank)) : x.shape.map((_, k) => k);
  if (raw.length !== 2 * axes.length) throw ctx.refuse(`${raw.length} pads for ${axes.length} axes`);
  const pads: [number, number][] = x.shape.map(() => [0, 0]);
  axes.forEach((a, i) => (pads[a] = [raw[i], raw[i + axes.length]]));
  if (pads.some(([b, e]) => b < 0 || e < 0)) throw ctx.refuse('negative pads (cropping) are not supported');
  if (x.shape[0] === BATCH && (pads[0][0] || pads[0][1])) throw ctx.refuse('pads the batch dimension');
  if (x.constant) throw ctx.refuse('padding a constant is not supported');
  const shape = x.shape.map((d, k) => (d === BATCH ? d : d + pads[k][0] + pads[k][1]));
  const rt: [number, number][] = x.shape.map(() => [0, 0]);
  pads.forEach((p, k) => (rt[runtimeAxis(k, x.layout, rank)] = p));
  return {
    reads: [{ input: 0, want: 'any' }],
    outputs: [meta(shape, x.layout)],
    run: ([t]) => {
      if (mode === 'constant') return [tf.pad(t, rt, value)];
      if (mode === 'reflect') return [tf.mirrorPad(t, rt, 'reflect')];
      let y = t;
      rt.forEach(([b, e], k) => { if (b || e) y = edgePad(y, k, b, e); });
      return [y];
    },
  };
}
