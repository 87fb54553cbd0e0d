// MatMul and Gemm on logical tensors (a Gemm's weight stays [K, N] or [N, K] as the file has it;
// tf.matMul transposes on the fly).
import * as tf from '@tensorflow/tfjs';
import { type Built, type BuildContext, meta } from '../context';
import { broadcastShape } from '../broadcast';

export function buildMatMul(ctx: BuildContext): Built {
  const a = ctx.input(0).shape, b = ctx.input(1).shape;
  if (a.length < 1 || b.length < 1) throw ctx.refuse('scalar operands');
  const a2 = a.length === 1 ? [1, a[0]] : a, b2 = b.length === 1 ? [b[0], 1] : b;
  if (a2[a2.length - 1] !== b2[b2.length - 2]) throw ctx.refuse(`shapes [${a.join(',')}] and [${b.join(',')}] do not multiply`);
  const batch = broadcastShape(ctx, [a2.slice(0, -2), b2.slice(0, -2)]);
  const shape = [...batch, ...(a.length > 1 ? [a2[a2.length - 2]] : []), ...(b.length > 1 ? [b2[b2.length - 1]] : [])];
  return {
    reads: [{ input: 0, want: 'logical' }, { input: 1, want: 'logical' }],
    outputs: [meta(shape)],
    run: ([x, y]) => {
      const xs = x.rank === 1 ? tf.reshape(x, [1, -1]) : x;
      const ys = y.rank === 1 ? tf.reshape(y, [-1, 1]) : y;
      const z = tf.matMul(xs, ys);
      return [tf.reshape(z, shape.map((d, k) => (d < 0 ? z.shape[k] : d)))];
    },
  };
}

export function buildGemm(ctx: BuildContext): Built {
  const a = ctx.input(0).shape, b = ctx.input(1).shape;
  if (a.length !== 2 || b.length !== 2) throw ctx.refuse('Gemm of tensors that are not matrices');
  const ta = ctx.int('transA', 0) === 1, tb = ctx.int('transB', 0) === 1;
  const alpha = ctx.float('alpha', 1), beta = ctx.float('beta', 1);
  const m = ta ? a[1] : a[0], k = ta ? a[0] : a[1], kb = tb ? b[1] : b[0], n = tb ? b[0] : b[1];
  if (k !== kb) throw ctx.refuse(`shapes [${a.join(',')}] and [${b.join(',')}] do not multiply`);
  const hasC = ctx.has(2);
  return {
    reads: [{ input: 0, want: 'logical' }, { input: 1, want: 'logical' }, ...(hasC ? [{ input: 2, want: 'logical' as const }] : [])],
    outputs: [meta([m, n])],
    run: ([x, w, c]) => {
      let y = tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D, ta, tb);
      if (alpha !== 1) y = tf.mul(y, alpha);
      if (c) y = tf.add(y, beta === 1 ? c : tf.mul(c, beta));
      return [y];
    },
  };
}
