// Test models for the PyTorch generator: every supported layer class, strides 1 and 2, odd sizes,
// and weights (BatchNorm statistics included) drawn at random so that no layout or convention
// mistake can hide behind zeros and ones.
import * as tf from '@tensorflow/tfjs';
import '../models/resizeLayer';
import { BilinearResize } from '../models/resizeLayer';

type Sym = tf.SymbolicTensor;
const L = tf.layers;
const ap = (layer: tf.layers.Layer, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;

/** Random weights (seeded); BatchNorm variances in [0.5, 1.5]. */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  let s = seed;
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const v = tf.tidy(() =>
        w.originalName.endsWith('moving_variance') ? tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', s++) : tf.randomNormal(w.shape as number[], 0, 0.3, 'float32', s++),
      );
      w.write(v);
      v.dispose();
    }
  }
}

/** The convolutional zoo: odd input 13×11, every spatial layer class at strides 1 and 2. */
export function convZoo(): tf.LayersModel {
  const input = tf.input({ shape: [13, 11, 3], name: 'img' });
  const a = ap(L.conv2d({ name: 'c_same_s2', filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu6' }), input); // 7x6
  const b = ap(L.conv2d({ name: 'c_valid_dil', filters: 6, kernelSize: [3, 2], dilationRate: 2, padding: 'valid', activation: 'tanh' }), input); // 9x9
  const c = ap(L.conv2d({ name: 'c_same_s1_k4', filters: 6, kernelSize: 4, padding: 'same', useBias: false, activation: 'elu' }), a); // 7x6
  const d = ap(L.depthwiseConv2d({ name: 'dw_s2_m2', kernelSize: 5, strides: 2, depthMultiplier: 2, padding: 'same', activation: 'sigmoid' }), input); // 7x6x6
  const e = ap(L.separableConv2d({ name: 'sep_s2', filters: 6, kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, activation: 'swish' }), input);
  const bn = ap(L.batchNormalization({ name: 'bn', momentum: 0.9, epsilon: 1e-3 }), ap(L.add({ name: 'sum' }), [a, c, d, e]));
  const bn2 = ap(L.batchNormalization({ name: 'bn_nocenter', center: false, epsilon: 0.01 }), bn);
  const m = ap(L.multiply({ name: 'mul' }), [ap(L.reLU({ name: 'relu_max', maxValue: 1.5 }), bn2), ap(L.leakyReLU({ name: 'leaky', alpha: 0.2 }), bn)]);
  const sub = ap(L.add({ name: 'sub' }), [m, ap(L.elu({ name: 'elu_l' }), bn)]);
  const mx = ap(L.maximum({ name: 'max' }), [sub, a]);
  const mn = ap(L.minimum({ name: 'min' }), [sub, c]);
  const av = ap(L.average({ name: 'avg' }), [mx, mn]);
  const t1 = ap(L.conv2dTranspose({ name: 'tconv_same_s2', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'softplus' }), av); // 14x12
  const t2 = ap(L.conv2dTranspose({ name: 'tconv_valid_s2', filters: 4, kernelSize: 3, strides: 2, padding: 'valid' }), av); // 15x13
  const t3 = ap(L.conv2dTranspose({ name: 'tconv_k1_s2', filters: 4, kernelSize: 1, strides: 2, padding: 'same' }), av); // 14x12
  const crop = ap(L.cropping2D({ name: 'crop', cropping: [[1, 0], [0, 1]] }), t2); // 14x12
  const cat = ap(L.concatenate({ name: 'cat', axis: -1 }), [t1, crop, t3]); // 14x12x12
  const pmax = ap(L.maxPooling2d({ name: 'pool_max_same', poolSize: 3, strides: 2, padding: 'same' }), cat); // 7x6
  const pavg = ap(L.averagePooling2d({ name: 'pool_avg_same', poolSize: 3, strides: 2, padding: 'same' }), cat); // 7x6
  const pv = ap(L.averagePooling2d({ name: 'pool_avg_valid', poolSize: 2, padding: 'valid' }), ap(L.zeroPadding2d({ name: 'zpad', padding: [[1, 0], [0, 0]] }), cat)); // 7x6
  const pooled = ap(L.add({ name: 'pools' }), [pmax, pavg, pv]);
  const up = ap(L.upSampling2d({ name: 'up_nearest', size: [2, 2] }), pooled); // 14x12
  const upb = ap(L.upSampling2d({ name: 'up_bilinear', size: [2, 2], interpolation: 'bilinear' }), pooled);
  const rs = ap(new BilinearResize({ name: 'resize', height: 14, width: 12 }), pooled);
  const mixed = ap(L.concatenate({ name: 'cat_ch', axis: 3 }), [up, upb, rs]); // 14x12x36
  const dn = ap(L.dense({ name: 'dense_nhwc', units: 5, activation: 'gelu' }), mixed);
  const shuffled = ap(L.reshape({ name: 'reshape', targetShape: [7, 2, 6, 2, 5] }), dn);
  const perm = ap(L.permute({ name: 'permute', dims: [1, 3, 2, 4, 5] }), shuffled);
  const back = ap(L.reshape({ name: 'reshape_back', targetShape: [14, 12, 5] }), perm);
  const sm = ap(L.softmax({ name: 'softmax_ch', axis: -1 }), ap(L.dropout({ name: 'drop', rate: 0.3 }), back));
  const tr = ap(L.thresholdedReLU({ name: 'thr', theta: 0.1 }), ap(L.activation({ name: 'act_hs', activation: 'hardSigmoid' }), b));
  const out2 = ap(L.concatenate({ name: 'cat_h', axis: 1 }), [ap(L.activation({ name: 'act_selu', activation: 'selu' }), tr), ap(L.activation({ name: 'act_sp', activation: 'softsign' }), tr)]);
  return tf.model({ inputs: input, outputs: [sm, out2], name: 'conv_zoo' });
}

/** A classifier: global pools, flatten and dense layers with BatchNorm on [N, C]. */
export function denseZoo(): tf.LayersModel {
  const input = tf.input({ shape: [9, 7, 4], name: 'img' });
  const g1 = ap(L.globalAveragePooling2d({ name: 'gap' }), input);
  const g2 = ap(L.globalMaxPooling2d({ name: 'gmp' }), input);
  const f = ap(L.flatten({ name: 'flat' }), ap(L.conv2d({ name: 'c', filters: 2, kernelSize: 3, strides: 2, activation: 'mish' }), input));
  const h = ap(L.concatenate({ name: 'cat' }), [g1, g2, f]);
  const d1 = ap(L.batchNormalization({ name: 'bn1d' }), ap(L.dense({ name: 'fc1', units: 16, activation: 'relu' }), h));
  const out = ap(L.dense({ name: 'fc2', units: 5, activation: 'softmax', useBias: false }), d1);
  return tf.model({ inputs: input, outputs: out, name: 'dense_zoo' });
}
