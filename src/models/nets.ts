// The demo conv family: a stride-4 backbone of depthwise-separable blocks ending in the layer
// `neck` (the feature MasKD distils), and a task head that reads `neck` alone. `neck` is the last
// block's residual sum before its ReLU: signed, as the reference's FPN outputs are. On the ReLU
// output the learned masks collapsed (one token all ones, the rest dark); before it, stage 1 on
// the segmentation teacher gives a digit token (mean mask 0.88 on digits, 0.14 on background)
// and a background token.
//
//   stem   conv3×3/2 → BN → ReLU                                   H/2
//   block  dw3×3 → BN → ReLU → pw1×1 → BN → ReLU                   H/2
//   block  dw3×3/2 → BN → ReLU → pw1×1 → BN → ReLU                 H/4
//   neck blocks  dw5×5 → BN → ReLU → pw1×1 → BN (+ residual) → ReLU; the last block's sum is `neck`, its ReLU `neck_relu`
//   segmentation head  dw3×3 → BN → ReLU → pw1×1 → BN → ReLU, then
//                      coarse: conv1×1 → 11 logits (H/4), bilinear ×4 → H (`seg_up`);
//                      fine:   two conv1×1 → 16 channels, each pixel-shuffled to one logit per input
//                              pixel (H), added to the background logit and to every digit logit;
//                      `seg_logits` = coarse + fine. (A stride-4 class map alone cannot draw
//                      strokes: its val mIoU stopped at 0.41 after 2000 steps at batch 16, the
//                      fine branch 0.45. With it, plain cross-entropy and bold-2 scenes a
//                      4000-step teacher draws digits at IoU 0.87–0.93 and gives 84–88% of their
//                      pixels the right class: the class is what is left. A head that upsampled
//                      through 16 channels first never learned the digit classes: val mIoU
//                      stayed at 0.0875, all background.)
//   detection head     dw3×3 → BN → ReLU → pw1×1 → BN → ReLU → conv1×1 → 14 channels       (H/4)
//
// Detection output channels: [0,10) heatmap logits (sigmoid), [10,12) size (w,h)/4, [12,14) offset.
// 5×5 depthwise kernels widen the receptive field cheaply (dilation has no gradient in tfjs 4.22).
import * as tf from '@tensorflow/tfjs';
import { BilinearResize } from './resizeLayer';

export type Task = 'segmentation' | 'detection';

export const TAP_LAYER = 'neck';
export const NET_STRIDE = 4;
export const SEG_CLASSES = 11;
export const DET_HEAT_CHANNELS = 10;
export const DET_CHANNELS = 14;
/** CenterNet's heatmap bias init: sigmoid(−2.19) ≈ 0.1 prior, keeps the focal loss stable at start. */
export const HEAT_PRIOR_BIAS = -2.19;
/**
 * BatchNorm moving-average momentum. Keras' 0.99 lagged far behind the weights in our few-hundred
 * step runs (inference-mode loss twice the training-mode loss at step 100), so track faster.
 */
export const BN_MOMENTUM = 0.9;

export interface NetSpec {
  readonly name: string;
  readonly task: Task;
  /** [H, W, 3]; H and W must be multiples of 4. */
  readonly inputShape: readonly [number, number, number];
  readonly stem: number;
  /** Width after the stride-2 block. */
  readonly mid: number;
  readonly neckWidth: number;
  /** Number of stride-4 blocks at the neck width (the first one follows the stride-4 downsample). */
  readonly neckBlocks: number;
  readonly headWidth: number;
  /** Task classes: segmentation logits (default SEG_CLASSES), detection heatmaps (default DET_HEAT_CHANNELS). */
  readonly numClasses?: number;
}

export type NetSize = Omit<NetSpec, 'name' | 'task' | 'inputShape' | 'numClasses'>;

// Sized to the budget (teacher ≤ 15 MFLOPs per 64×64 image, student ≈ ¼ of it).
export const TEACHER_SIZES: Readonly<Record<Task, NetSize>> = {
  segmentation: { stem: 16, mid: 32, neckWidth: 64, neckBlocks: 3, headWidth: 64 },
  detection: { stem: 16, mid: 32, neckWidth: 64, neckBlocks: 3, headWidth: 64 },
};
export const STUDENT_SIZES: Readonly<Record<Task, NetSize>> = {
  segmentation: { stem: 8, mid: 16, neckWidth: 32, neckBlocks: 2, headWidth: 32 },
  detection: { stem: 8, mid: 16, neckWidth: 32, neckBlocks: 2, headWidth: 32 },
};

export interface BuildOptions {
  readonly inputShape?: readonly [number, number, number];
  readonly name?: string;
  /** Classes of a user dataset; default the digit demo's (11 segmentation / 10 detection). */
  readonly numClasses?: number;
}

/** Output channels of the task head for `numClasses` (default: the digit demo's). */
export function taskChannels(task: Task, numClasses?: number): number {
  return task === 'segmentation' ? (numClasses ?? SEG_CLASSES) : (numClasses ?? DET_HEAT_CHANNELS) + 4;
}

export function buildTeacher(task: Task, options: BuildOptions = {}): tf.LayersModel {
  return buildNet({ ...TEACHER_SIZES[task], task, inputShape: options.inputShape ?? [64, 64, 3], name: options.name ?? `teacher_${task}`, numClasses: options.numClasses });
}

export function buildStudent(task: Task, options: BuildOptions = {}): tf.LayersModel {
  return buildNet({ ...STUDENT_SIZES[task], task, inputShape: options.inputShape ?? [64, 64, 3], name: options.name ?? `student_${task}`, numClasses: options.numClasses });
}

type Sym = tf.SymbolicTensor;

function bnRelu(x: Sym, name: string, reluName = `${name}_relu`): Sym {
  const bn = tf.layers.batchNormalization({ name: `${name}_bn`, momentum: BN_MOMENTUM }).apply(x) as Sym;
  return tf.layers.reLU({ name: reluName }).apply(bn) as Sym;
}

function sepBlock(x: Sym, name: string, width: number, kernel: number, stride: number, tapName?: string): Sym {
  const inWidth = x.shape[3];
  let y = tf.layers
    .depthwiseConv2d({ name: `${name}_dw`, kernelSize: kernel, strides: stride, padding: 'same', useBias: false })
    .apply(x) as Sym;
  y = bnRelu(y, `${name}_dw`);
  y = tf.layers.conv2d({ name: `${name}_pw`, filters: width, kernelSize: 1, useBias: false }).apply(y) as Sym;
  y = tf.layers.batchNormalization({ name: `${name}_pw_bn`, momentum: BN_MOMENTUM }).apply(y) as Sym;
  const residual = stride === 1 && inWidth === width;
  // The tap is the block's pre-activation sum (signed, like the reference's FPN outputs); its ReLU follows.
  if (residual) y = tf.layers.add({ name: tapName ?? `${name}_add` }).apply([x, y]) as Sym;
  else if (tapName) y = tf.layers.activation({ name: tapName, activation: 'linear' }).apply(y) as Sym;
  return tf.layers.reLU({ name: tapName ? `${tapName}_relu` : `${name}_relu` }).apply(y) as Sym;
}

export function buildNet(spec: NetSpec): tf.LayersModel {
  const [h, w] = spec.inputShape;
  if (h % NET_STRIDE !== 0 || w % NET_STRIDE !== 0) {
    throw new Error(`buildNet: input ${h}×${w} must be a multiple of the stride ${NET_STRIDE}`);
  }
  if (spec.neckBlocks < 1) throw new Error('buildNet: neckBlocks must be ≥ 1');
  if (spec.numClasses !== undefined && (!Number.isInteger(spec.numClasses) || spec.numClasses < 1)) {
    throw new Error(`buildNet: numClasses must be a positive integer, got ${spec.numClasses}`);
  }
  const input = tf.input({ shape: [...spec.inputShape], name: 'image' });
  let x = tf.layers
    .conv2d({ name: 'stem_conv', filters: spec.stem, kernelSize: 3, strides: 2, padding: 'same', useBias: false })
    .apply(input) as Sym;
  x = bnRelu(x, 'stem');
  x = sepBlock(x, 'b1', spec.mid, 3, 1);
  for (let i = 0; i < spec.neckBlocks; i++) {
    const last = i === spec.neckBlocks - 1;
    x = sepBlock(x, `b${i + 2}`, spec.neckWidth, i === 0 ? 3 : 5, i === 0 ? 2 : 1, last ? TAP_LAYER : undefined);
  }
  const channels = taskChannels(spec.task, spec.numClasses);
  const out = spec.task === 'segmentation' ? segmentationHead(x, spec.headWidth, h, w, channels) : detectionHead(x, spec.headWidth, channels);
  const model = tf.model({ inputs: input, outputs: out, name: spec.name });
  if (spec.task === 'detection') initHeatBias(model, channels - 4);
  return model;
}

function segmentationHead(neck: Sym, width: number, outH: number, outW: number, classes: number): Sym {
  let y = tf.layers.depthwiseConv2d({ name: 'seg_dw', kernelSize: 3, padding: 'same', useBias: false }).apply(neck) as Sym;
  y = bnRelu(y, 'seg_dw');
  y = tf.layers.conv2d({ name: 'seg_pw', filters: width, kernelSize: 1, useBias: false }).apply(y) as Sym;
  y = bnRelu(y, 'seg_pw');
  const coarse = tf.layers.conv2d({ name: 'seg_cls', filters: classes, kernelSize: 1 }).apply(y) as Sym;
  const up = new BilinearResize({ height: outH, width: outW, name: 'seg_up' }).apply(coarse) as Sym;
  // Fine branch: two logits per input pixel, one added to the background class and one to every
  // digit class, each a 1×1 conv to stride² channels at the neck's resolution rearranged to
  // full resolution (pixel shuffle: reshape, permute, reshape).
  const bg = pixelShuffle(tf.layers.conv2d({ name: 'seg_fine_bg', filters: NET_STRIDE ** 2, kernelSize: 1 }).apply(y) as Sym, 'seg_fine_bg', outH, outW);
  const fg = pixelShuffle(tf.layers.conv2d({ name: 'seg_fine_fg', filters: NET_STRIDE ** 2, kernelSize: 1 }).apply(y) as Sym, 'seg_fine_fg', outH, outW);
  const fine = classes > 1 ? (tf.layers.concatenate({ name: 'seg_fine', axis: -1 }).apply([bg, ...Array.from({ length: classes - 1 }, () => fg)]) as Sym) : bg;
  return tf.layers.add({ name: 'seg_logits' }).apply([up, fine]) as Sym;
}

/** [N, H/s, W/s, s²] → [N, H, W, 1]: channel dy·s + dx of cell (i, j) is pixel (i·s + dy, j·s + dx). */
export function pixelShuffle(x: Sym, name: string, outH: number, outW: number): Sym {
  const s = NET_STRIDE;
  let y = tf.layers.reshape({ name: `${name}_cells`, targetShape: [outH / s, outW / s, s, s] }).apply(x) as Sym;
  y = tf.layers.permute({ name: `${name}_rows`, dims: [1, 3, 2, 4] }).apply(y) as Sym;
  return tf.layers.reshape({ name: `${name}_pixels`, targetShape: [outH, outW, 1] }).apply(y) as Sym;
}

function detectionHead(neck: Sym, width: number, channels: number): Sym {
  let y = tf.layers.depthwiseConv2d({ name: 'det_dw', kernelSize: 3, padding: 'same', useBias: false }).apply(neck) as Sym;
  y = bnRelu(y, 'det_dw');
  y = tf.layers.conv2d({ name: 'det_pw', filters: width, kernelSize: 1, useBias: false }).apply(y) as Sym;
  y = bnRelu(y, 'det_pw');
  return tf.layers.conv2d({ name: 'det_out', filters: channels, kernelSize: 1 }).apply(y) as Sym;
}

function initHeatBias(model: tf.LayersModel, heatChannels: number): void {
  const layer = model.getLayer('det_out');
  const [kernel] = layer.getWeights();
  const bias = new Float32Array(heatChannels + 4);
  bias.fill(HEAT_PRIOR_BIAS, 0, heatChannels);
  const b = tf.tensor1d(bias);
  layer.setWeights([kernel, b]);
  b.dispose();
}
