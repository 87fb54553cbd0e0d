// Activations and element-wise arithmetic: one TF.js expression per op, each with a gradient on
// every backend. A rank-4 operand keeps its layout; lower-rank operands are broadcast against
// NHWC tensors by ../broadcast.ts.
import * as tf from '@tensorflow/tfjs';
import { alignToNhwc, broadcastShape } from '../broadcast';
import { type Built, type BuildContext, meta } from '../context';
import type { Layout, ValueMeta } from '../types';

const clip01 = (t: tf.Tensor) => tf.clipByValue(t, 0, 1);
const negPart = (x: tf.Tensor) => tf.minimum(x, 0);

/** Unary ops; each closure reads the node's attributes once, at conversion. */
export const UNARY: Record<string, (ctx: BuildContext) => (x: tf.Tensor) => tf.Tensor> = {
  Relu: () => (x) => tf.relu(x),
  Sigmoid: () => (x) => tf.sigmoid(x),
  Tanh: () => (x) => tf.tanh(x),
  Erf: () => (x) => tf.erf(x),
  Sqrt: () => (x) => tf.sqrt(x),
  Exp: () => (x) => tf.exp(x),
  Log: () => (x) => tf.log(x),
  Neg: () => (x) => tf.neg(x),
  Abs: () => (x) => tf.abs(x),
  Reciprocal: () => (x) => tf.reciprocal(x),
  Softplus: () => (x) => tf.softplus(x),
  Identity: () => (x) => x,
  // Dropout at inference (the exports the converter takes are in eval mode): its input as is.
  Dropout: () => (x) => x,
  LeakyRelu: (ctx) => {
    const alpha = ctx.float('alpha', 0.01);
    return (x) => tf.leakyRelu(x, alpha);
  },
  Elu: (ctx) => {
    const alpha = ctx.float('alpha', 1);
    return (x) => tf.add(tf.relu(x), tf.mul(alpha, tf.sub(tf.exp(negPart(x)), 1)));
  },
  HardSigmoid: (ctx) => {
    const alpha = ctx.float('alpha', 0.2), beta = ctx.float('beta', 0.5);
    return (x) => clip01(tf.add(tf.mul(x, alpha), beta));
  },
  HardSwish: () => (x) => tf.mul(x, clip01(tf.add(tf.mul(x, 1 / 6), 0.5))),
  Gelu: (ctx) => {
    if (ctx.str('approximate', 'none') === 'tanh') {
      return (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
    }
    return (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  },
};

export function buildUnary(ctx: BuildContext): Built {
  const fn = UNARY[ctx.node.opType](ctx);
  const x = ctx.input(0);
  return { reads: [{ input: 0, want: 'any' }], outputs: [{ shape: x.shape, layout: x.layout }], run: ([t]) => [fn(t)] };
}

/** Clip: bounds from inputs 1 and 2 (opset ≥ 11) or the min/max attributes. */
export function buildClip(ctx: BuildContext): Built {
  const bound = (k: number, attr: string, def: number) => {
    if (ctx.opset < 11) return ctx.float(attr, def);
    return ctx.has(k) ? ctx.requireKnown(k, attr === 'min' ? 'minimum' : 'maximum')[0] : def;
  };
  const lo = bound(1, 'min', -3.4e38), hi = bound(2, 'max', 3.4e38);
  const x = ctx.input(0);
  return { reads: [{ input: 0, want: 'any' }], outputs: [{ shape: x.shape, layout: x.layout }], run: ([t]) => [tf.clipByValue(t, lo, hi)] };
}

const BINARY: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  Add: (a, b) => tf.add(a, b),
  Sub: (a, b) => tf.sub(a, b),
  Mul: (a, b) => tf.mul(a, b),
  Div: (a, b) => tf.div(a, b),
  Pow: (a, b) => tf.pow(a, b),
  PRelu: (a, b) => tf.prelu(a, b),
  Max: (a, b) => tf.maximum(a, b),
  Min: (a, b) => tf.minimum(a, b),
};

export const BINARY_OPS = Object.keys(BINARY);

/** The layout of an element-wise result: NHWC when it is 4-D and any 4-D operand is. */
export function elementwiseLayout(ins: readonly ValueMeta[], rank: number): Layout {
  return rank === 4 && ins.some((m) => m.shape.length === 4 && m.layout === 'nhwc') ? 'nhwc' : 'logical';
}

export function buildBinary(ctx: BuildContext): Built {
  const exponent = ctx.node.opType === 'Pow' ? ctx.constOf(1) : undefined;
  if (exponent?.values.length === 1 && exponent.values[0] === 2 && ctx.input(1).shape.length <= ctx.input(0).shape.length) {
    const x = ctx.input(0);
    return { reads: [{ input: 0, want: 'any' }], outputs: [{ shape: x.shape, layout: x.layout }], run: ([t]) => [tf.square(t)] };
  }
  const fn = BINARY[ctx.node.opType];
  const ins = [ctx.input(0), ctx.input(1)];
  const shape = broadcastShape(ctx, ins.map((m) => m.shape));
  const layout = elementwiseLayout(ins, shape.length);
  const reads = ins.map((m, input) => ({ input, want: m.shape.length === 4 ? layout : ('logical' as const) }));
  return {
    reads,
    outputs: [meta(shape, layout)],
    run: (ts) => {
      const [a, b] = layout === 'nhwc' ? ts.map((t) => (t.rank < 4 ? alignToNhwc(t) : t)) : ts;
      return [fn(a, b)];
    },
  };
}
