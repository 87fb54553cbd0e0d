// BatchNormalization as PyTorch runs it: in eval mode with the running statistics; in train mode
// with the batch's (biased variance) while the running ones move by ONNX's momentum
// (running·m + batch·(1 − m), PyTorch's momentum 0.1 being ONNX's 0.9) and the unbiased variance.
import * as tf from '@tensorflow/tfjs';
import { type Built, type BuildContext } from '../context';

export function buildBatchNorm(ctx: BuildContext): Built {
  const x = ctx.input(0);
  const rank = x.shape.length;
  if (rank !== 4 && rank !== 2) throw ctx.refuse('only 2-D (N, C) and 4-D (N, C, H, W) inputs are supported');
  if (ctx.node.outputs.filter((o) => o !== '').length > 1) throw ctx.refuse('running-statistics outputs are not supported (export in eval mode)');
  const eps = ctx.float('epsilon', 1e-5);
  const momentum = ctx.float('momentum', 0.9);
  const axes = rank === 4 ? [0, 1, 2] : [0];
  return {
    reads: [{ input: 0, want: rank === 4 ? 'nhwc' : 'logical' }, ...[1, 2, 3, 4].map((input) => ({ input, want: 'logical' as const }))],
    outputs: [{ shape: x.shape, layout: rank === 4 ? 'nhwc' : 'logical' }],
    run: ([t, scale, bias, mean, variance], run) => {
      if (!run.training) return [tf.batchNorm(t, mean, variance, bias, scale, eps)];
      const m = tf.moments(t, axes);
      if (mean instanceof tf.Variable && variance instanceof tf.Variable) {
        const n = t.size / t.shape[t.rank - 1];
        tf.tidy(() => {
          mean.assign(tf.add(tf.mul(mean, momentum), tf.mul(m.mean, 1 - momentum)));
          variance.assign(tf.add(tf.mul(variance, momentum), tf.mul(m.variance, (1 - momentum) * (n / Math.max(1, n - 1)))));
        });
      }
      return [tf.batchNorm(t, m.mean, m.variance, bias, scale, eps)];
    },
  };
}
