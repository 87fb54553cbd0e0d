// ReduceMean / ReduceSum / ReduceMax and Softmax. On an NHWC input the logical axes are mapped to
// the tensor's; a result that drops axes stays NHWC-free (logical) and is computed where its
// remaining axes come out in ONNX's order.
import * as tf from '@tensorflow/tfjs';
import { type Built, type BuildContext, meta, NHWC_AXIS, normAxis } from '../context';
import { BATCH } from '../types';

export function buildReduce(ctx: BuildContext): Built {
  const x = ctx.input(0);
  const rank = x.shape.length;
  const fromInput = ctx.opset >= 18 || (ctx.node.opType === 'ReduceSum' && ctx.opset >= 13);
  const given = fromInput ? (ctx.has(1) ? ctx.requireInts(1, 'axes') : undefined) : ctx.ints('axes');
  const keep = ctx.int('keepdims', 1) === 1;
  if (!given?.length && ctx.int('noop_with_empty_axes', 0) === 1) {
    return { reads: [{ input: 0, want: 'any' }], outputs: [{ shape: x.shape, layout: x.layout }], run: ([t]) => [t] };
  }
  const axes = (given?.length ? given : x.shape.map((_, k) => k)).map((a) => normAxis(ctx, a, rank)).sort((a, b) => a - b);
  if (axes.includes(0) && x.shape[0] === BATCH) throw ctx.refuse('reduces over the batch dimension');
  const shape = keep ? x.shape.map((d, k) => (axes.includes(k) ? 1 : d)) : x.shape.filter((_, k) => !axes.includes(k));
  const nhwc = x.layout === 'nhwc' && rank === 4;
  // Without keepdims, NHWC works when the remaining axes keep their order there (e.g. H, W reduced).
  const remainingInOrder = (() => {
    const rest = [0, 1, 2, 3].filter((k) => !axes.includes(k)).map((k) => NHWC_AXIS[k]);
    return rest.every((v, i) => i === 0 || v > rest[i - 1]);
  })();
  const useNhwc = nhwc && (keep || remainingInOrder);
  const rtAxes = useNhwc ? axes.map((a) => NHWC_AXIS[a]) : axes;
  const f = { ReduceMean: tf.mean, ReduceSum: tf.sum, ReduceMax: tf.max }[ctx.node.opType as 'ReduceMean'];
  return {
    reads: [{ input: 0, want: useNhwc ? 'nhwc' : 'logical' }],
    outputs: [meta(shape, useNhwc && keep ? 'nhwc' : 'logical')],
    run: ([t]) => [f(t, rtAxes, keep)],
  };
}

export function buildSoftmax(ctx: BuildContext): Built {
  const x = ctx.input(0);
  const rank = x.shape.length;
  const a = normAxis(ctx, ctx.int('axis', ctx.opset >= 13 ? -1 : 1), rank);
  const nhwc = x.layout === 'nhwc' && rank === 4;
  const log = ctx.node.opType === 'LogSoftmax';
  const sm = (t: tf.Tensor) => (log ? tf.logSoftmax(t) : tf.softmax(t));
  if (ctx.opset < 13 && a !== rank - 1) {
    // Opsets before 13: softmax over everything from `axis` on, flattened.
    if (x.shape.slice(a).includes(BATCH) || (a === 0 && x.shape[0] === BATCH)) throw ctx.refuse('softmax over the batch dimension');
    const inner = x.shape.slice(a).reduce((p, d) => p * d, 1);
    if (nhwc && a === 1) {
      return { reads: [{ input: 0, want: 'nhwc' }], outputs: [{ shape: x.shape, layout: 'nhwc' }], run: ([t]) => [tf.reshape(sm(tf.reshape(t, [t.shape[0], inner])), t.shape)] };
    }
    return { reads: [{ input: 0, want: 'logical' }], outputs: [meta(x.shape)], run: ([t]) => [tf.reshape(sm(tf.reshape(t, [-1, inner])), t.shape)] };
  }
  const rt = nhwc ? NHWC_AXIS[a] : a;
  const last = rank - 1;
  return {
    reads: [{ input: 0, want: 'any' }],
    outputs: [{ shape: x.shape, layout: x.layout }],
    run: ([t]) => {
      if (rt === last) return [sm(t)];
      const perm = t.shape.map((_, k) => k);
      perm[rt] = last;
      perm[last] = rt;
      return [tf.transpose(sm(tf.transpose(t, perm)), perm)];
    },
  };
}

