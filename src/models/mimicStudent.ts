// The built-in student of a label-free teacher: the demo student's backbone (stride 4, a `neck`
// tap) with one small head per teacher output, producing that output's shape and kind
// (sigmoid or softmax probabilities, or plain values), so the teacher's outputs are its soft
// targets. Heads resize bilinearly to the output's size when it is not the neck's. A large
// input is average-pooled to at most MIMIC_MAX_SIDE first: training memory grows with the
// working side squared (the 64×64 demo student keeps ~8 MB per image for backprop; at 512×512 it
// kept 509 MB, measured), so a 512×512 teacher's student works at 128×128.
import * as tf from '@tensorflow/tfjs';
import { BilinearResize } from './resizeLayer';
import { BN_MOMENTUM, HEAT_PRIOR_BIAS, NET_STRIDE, TAP_LAYER } from './nets';

export interface MimicOutput {
  readonly name: string;
  /** [H, W, C] of the teacher's output. */
  readonly shape: readonly number[];
  /** How its values are made: per-channel probabilities, a distribution over the channels, or plain values. */
  readonly activation: 'sigmoid' | 'softmax' | 'linear';
}

type Sym = tf.SymbolicTensor;

/** The student's widths (the demo student's: stem 8, mid 16, neck 32, head 32). */
export const MIMIC_WIDTHS = { stem: 8, mid: 16, neck: 32, head: 32 } as const;

/** The largest side the student works at; larger inputs are average-pooled down to it. */
export const MIMIC_MAX_SIDE = 128;

/** The side the student works at for an input side: the input halved until it is at most MIMIC_MAX_SIDE (and stays a multiple of 4). */
export function mimicWorkSide(side: number): number {
  let s = side;
  while (s > MIMIC_MAX_SIDE && s % 8 === 0) s /= 2;
  return s;
}

function bnRelu(x: Sym, name: string): Sym {
  const bn = tf.layers.batchNormalization({ name: `${name}_bn`, momentum: BN_MOMENTUM }).apply(x) as Sym;
  return tf.layers.reLU({ name: `${name}_relu` }).apply(bn) as Sym;
}

function sepBlock(x: Sym, name: string, width: number, kernel: number, stride: number, tapName?: string): Sym {
  let y = tf.layers.depthwiseConv2d({ name: `${name}_dw`, kernelSize: kernel, strides: stride, padding: 'same', useBias: false }).apply(x) as Sym;
  y = bnRelu(y, `${name}_dw`);
  y = tf.layers.conv2d({ name: `${name}_pw`, filters: width, kernelSize: 1, useBias: false }).apply(y) as Sym;
  y = tf.layers.batchNormalization({ name: `${name}_pw_bn`, momentum: BN_MOMENTUM }).apply(y) as Sym;
  if (stride === 1 && x.shape[3] === width) y = tf.layers.add({ name: tapName ?? `${name}_add` }).apply([x, y]) as Sym;
  else if (tapName) y = tf.layers.activation({ name: tapName, activation: 'linear' }).apply(y) as Sym;
  return tf.layers.reLU({ name: tapName ? `${tapName}_relu` : `${name}_relu` }).apply(y) as Sym;
}

/** A student for `outputs` at `inputShape` (multiples of 4); its tap is `neck` at stride 4. */
export function buildMimicStudent(outputs: readonly MimicOutput[], inputShape: readonly [number, number, number], name = 'student_mimic'): tf.LayersModel {
  const [h, w] = inputShape;
  if (h % NET_STRIDE !== 0 || w % NET_STRIDE !== 0) throw new Error(`buildMimicStudent: input ${h}×${w} must be a multiple of ${NET_STRIDE}`);
  if (!outputs.length) throw new Error('buildMimicStudent: the teacher has no dense output to imitate');
  const input = tf.input({ shape: [...inputShape], name: 'image' });
  let x: Sym = input;
  const work = mimicWorkSide(Math.max(h, w));
  if (work < Math.max(h, w)) {
    const f = Math.max(h, w) / work;
    x = tf.layers.averagePooling2d({ name: 'shrink', poolSize: f, strides: f }).apply(x) as Sym;
  }
  x = tf.layers.conv2d({ name: 'stem_conv', filters: MIMIC_WIDTHS.stem, kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(x) as Sym;
  x = bnRelu(x, 'stem');
  x = sepBlock(x, 'b1', MIMIC_WIDTHS.mid, 3, 1);
  x = sepBlock(x, 'b2', MIMIC_WIDTHS.neck, 3, 2);
  x = sepBlock(x, 'b3', MIMIC_WIDTHS.neck, 5, 1, TAP_LAYER);
  const heads = outputs.map((o, i) => {
    const [oh, ow, oc] = o.shape;
    const p = `out${i}`;
    let y = tf.layers.depthwiseConv2d({ name: `${p}_dw`, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as Sym;
    y = bnRelu(y, `${p}_dw`);
    y = tf.layers.conv2d({ name: `${p}_pw`, filters: MIMIC_WIDTHS.head, kernelSize: 1, useBias: false }).apply(y) as Sym;
    y = bnRelu(y, `${p}_pw`);
    const sigmoid = o.activation === 'sigmoid';
    y = tf.layers
      .conv2d({ name: `${p}_conv`, filters: oc, kernelSize: 1, biasInitializer: sigmoid ? tf.initializers.constant({ value: HEAT_PRIOR_BIAS }) : 'zeros' })
      .apply(y) as Sym;
    if (oh !== y.shape[1] || ow !== y.shape[2]) y = new BilinearResize({ name: `${p}_resize`, height: oh, width: ow }).apply(y) as Sym;
    return tf.layers.activation({ name: `${p}_${o.activation}`, activation: o.activation }).apply(y) as Sym;
  });
  return tf.model({ inputs: input, outputs: heads.length === 1 ? heads[0] : heads, name });
}
