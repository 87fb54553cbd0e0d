// A model the generator cannot express is refused before any file exists: every offending layer
// named with its class and the reason, nothing half-written.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PytorchExportError } from './graph';
import { moduleFiles } from './moduleFiles';
import { SUPPORTED_LAYER_CLASSES } from './moduleSource';

await tf.setBackend('cpu');

const refusal = (model: tf.LayersModel): PytorchExportError => {
  try {
    moduleFiles(model, 'model');
  } catch (e) {
    if (e instanceof PytorchExportError) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('PyTorch export refusals', () => {
  it('names each unknown layer class and each unsupported setting, and writes nothing', () => {
    const input = tf.input({ shape: [8, 8, 3], name: 'img' });
    const a = tf.layers.conv2d({ name: 'causal_conv', filters: 4, kernelSize: 3, padding: 'causal' as 'same' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.layerNormalization({ name: 'ln' }).apply(a) as tf.SymbolicTensor;
    const c = tf.layers.batchNormalization({ name: 'bn_h', axis: 1 }).apply(b) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: c, name: 'bad' });
    const e = refusal(model);
    expect(e.refused).toEqual([
      'causal_conv (Conv2D): padding causal (only same and valid)',
      'ln (LayerNormalization): no PyTorch form for this layer class',
      'bn_h (BatchNormalization): normalises axis 1 (only the channel axis)',
    ]);
    expect(e.message).toMatch(/^bad: 3 layer\(s\) cannot go to PyTorch: causal_conv \(Conv2D\)/);
    model.dispose();
  });

  it('refuses a shared layer and a nested model by name', () => {
    const inner = tf.sequential({ name: 'inner', layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'inner_fc' })] });
    const shared = tf.layers.dense({ units: 3, name: 'shared_fc' });
    const input = tf.input({ shape: [3], name: 'x' });
    const y = shared.apply(shared.apply(input)) as tf.SymbolicTensor;
    const out = inner.apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out, name: 'nested' });
    const e = refusal(model);
    expect(e.refused).toEqual(['shared_fc (Dense): used 2 times (shared layers are not exported)', 'inner (Sequential): a nested model (flatten it first)']);
    model.dispose();
  });

  it('lists the layer classes it supports, the demo nets\' among them', () => {
    for (const c of ['InputLayer', 'Conv2D', 'DepthwiseConv2D', 'BatchNormalization', 'ReLU', 'Add', 'Activation', 'MaskdBilinearResize', 'Reshape', 'Permute', 'Concatenate']) {
      expect(SUPPORTED_LAYER_CLASSES).toContain(c);
    }
  });
});
