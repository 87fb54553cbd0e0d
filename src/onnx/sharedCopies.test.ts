// Export → Student (.onnx) when nodes share an initialiser: each node's layer holds its own copy,
// and copies that trained apart are written apart (a new initialiser `<name>__<k>` its readers are
// rewired to, or in place of the Identity node that named a merged parameter), so ONNX Runtime
// runs the written file to the layers model's outputs; copies still equal stay one initialiser.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { disposeModel } from '../models/disposeModel';
import { planConversion } from './convert/plan';
import { decodeOnnx } from './decode';
import { writeOnnx } from './index';
import { onnxLayersModel, onnxLayersWeights } from './layersModel';
import { relError, tinyModel } from './testkit';

beforeAll(async () => {
  await useWasmBackend();
});
ort.env.wasm.numThreads = 1;

// k: one kernel for two convolutions; g: one [1, 2, 1, 1] scale read by two Muls and, as a
// merged parameter g2, through an Identity.
const file = () => tinyModel({
  input: ['N', 2, 3, 3],
  nodes: [
    { op: 'Identity', inputs: ['g'], outputs: ['g2'] },
    { op: 'Conv', inputs: ['x', 'k'], outputs: ['a'], attrs: { kernel_shape: [1, 1] } },
    { op: 'Mul', inputs: ['a', 'g'], outputs: ['a2'] },
    { op: 'Conv', inputs: ['a2', 'k'], outputs: ['b'], attrs: { kernel_shape: [1, 1] } },
    { op: 'Mul', inputs: ['b', 'g'], outputs: ['b2'] },
    { op: 'Add', inputs: ['b2', 'g2'], outputs: ['y'] },
  ],
  outputs: ['y'],
  inits: { k: { dims: [2, 2, 1, 1], values: [1, 0.5, -0.5, 1] }, g: { dims: [1, 2, 1, 1], values: [1, 2] } },
});

const input = Float32Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => Math.sin(i * 1.3));

async function written(bytes: Uint8Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ x: new ort.Tensor('float32', input, [2, 2, 3, 3]) });
  await session.release();
  return out.y.data as Float32Array;
}

describe('shared initialisers written back', () => {
  it('untouched: one initialiser each, the graph as it came', async () => {
    const plan = planConversion(decodeOnnx(file(), 'shared.onnx'));
    const { model, shared } = onnxLayersModel(plan);
    expect([...shared].sort()).toEqual(['g', 'k']);
    const weights = await onnxLayersWeights(model, plan);
    expect(weights.map((w) => w.name).sort()).toEqual(['g', 'k']);
    const again = decodeOnnx(writeOnnx(plan.model, weights), 'shared.onnx');
    expect(again.graph.nodes.map((n) => n.inputs)).toEqual(plan.model.graph.nodes.map((n) => n.inputs));
    disposeModel(model);
  });

  it('trained apart: each copy under its own initialiser, and ONNX Runtime gives the layers model\'s output', async () => {
    const plan = planConversion(decodeOnnx(file(), 'shared.onnx'));
    const { model } = onnxLayersModel(plan);
    // Every copy moved differently, as training would move them.
    model.layers.forEach((l, i) => l.weights.forEach((w) => tf.tidy(() => {
      w.write(tf.add(w.read(), tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 7 + i)));
    })));
    const x = tf.transpose(tf.tensor4d(input, [2, 2, 3, 3]), [0, 2, 3, 1]);
    const mine = tf.tidy(() => tf.transpose(model.predict(x) as tf.Tensor, [0, 3, 1, 2]).dataSync() as Float32Array);
    const weights = await onnxLayersWeights(model, plan);
    expect(weights.map((w) => w.name).sort()).toEqual(['g', 'g2', 'g__2', 'k', 'k__2']);
    const bytes = writeOnnx(plan.model, weights);
    const again = decodeOnnx(bytes, 'shared.onnx');
    expect(again.graph.nodes.map((n) => `${n.opType}(${n.inputs.join(',')})`)).toEqual(['Conv(x,k)', 'Mul(a,g)', 'Conv(a2,k__2)', 'Mul(b,g__2)', 'Add(b2,g2)']);
    expect(relError(await written(bytes), mine)).toBeLessThan(1e-6);
    x.dispose();
    disposeModel(model);
  });
});
