import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { formatCost, modelCost } from './flops';

describe('modelCost', () => {
  it('matches a hand count on a tiny model', () => {
    const x = tf.input({ shape: [4, 4, 2] });
    let y = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
    y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
    y = tf.layers.reLU().apply(y) as tf.SymbolicTensor;
    y = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.flatten().apply(y) as tf.SymbolicTensor;
    y = tf.layers.dense({ units: 5 }).apply(y) as tf.SymbolicTensor;
    const cost = modelCost(tf.model({ inputs: x, outputs: y }));
    // conv 4·4·3 outputs × 3·3·2 MACs × 2 = 1728; BN 2·48 = 96; ReLU 48;
    // depthwise 2·2·3 outputs × 9 × 2 = 216; bilinear upsample 48 × 8 = 384; dense 48·5·2 = 480.
    expect(cost.flops).toBe(1728 + 96 + 48 + 216 + 384 + 480);
    // conv 54, BN 4·3 = 12, depthwise 27, dense 48·5 + 5 = 245.
    expect(cost.params).toBe(54 + 12 + 27 + 245);
    expect(cost.uncounted).toEqual([]);
    expect(formatCost(cost)).toBe('0.3k params, 0.00 MFLOPs/image');
  });

  it('counts transposed convs and merges, and reports unknown layers', () => {
    const x = tf.input({ shape: [2, 2, 4] });
    const t = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, useBias: false }).apply(x) as tf.SymbolicTensor;
    const u = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, useBias: false }).apply(x) as tf.SymbolicTensor;
    const s = tf.layers.add().apply([t, u]) as tf.SymbolicTensor;
    const p = tf.layers.permute({ dims: [2, 1, 3] }).apply(s) as tf.SymbolicTensor;
    const g = tf.layers.zeroPadding2d({ padding: 1 }).apply(p) as tf.SymbolicTensor;
    const cost = modelCost(tf.model({ inputs: x, outputs: g }));
    // each convT: 2·2·4 inputs × 2·2·3 × 2 = 384; add 4·4·3 = 48; a permute moves values only
    expect(cost.flops).toBe(384 * 2 + 48);
    expect(cost.uncounted).toHaveLength(1);
    expect(cost.uncounted[0]).toMatch(/ZeroPadding2D/);
  });
});
