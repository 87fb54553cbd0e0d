// An untrained Conv/BatchNorm net exported by torch.onnx.export as it is (PRESERVE): the export
// merged the BatchNorms' 1s and 0s (scale, variance; shift, mean) into b1.weight and b1.bias, read
// through Identity nodes. Against PyTorch (fresh_bn.*.npy from scripts/make-onnx-fixtures.py): each
// running statistic is a non-trainable weight of its own, moved by a train-mode step as PyTorch
// moves it, evaluation then runs on the moved ones, and the written .onnx keeps them.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { disposeModel } from '../models/disposeModel';
import { planConversion } from './convert/plan';
import { decodeOnnx } from './decode';
import { loadOnnx, writeOnnx } from './index';
import { OnnxNodeLayer, onnxLayersModel, onnxLayersWeights } from './layersModel';
import { fixture, npy, relError, tinyModel } from './testkit';

beforeAll(async () => {
  await useWasmBackend();
});
ort.env.wasm.numThreads = 1;

const FILE = 'fresh_bn-op13.onnx';
const STATS = ['b1.running_mean', 'b1.running_var', 'b2.running_mean', 'b2.running_var'];
const input = npy('fresh_bn.input.npy');
const nhwc = () => tf.transpose(tf.tensor(input.data, input.shape), [0, 2, 3, 1]);
const nchw = (t: tf.Tensor) => tf.tidy(() => tf.transpose(t, [0, 3, 1, 2]).dataSync() as Float32Array);
/** PyTorch's running statistics after the step, one row per name in STATS. */
const torchStats = (k: number) => npy('fresh_bn.stats.npy').data.slice(4 * k, 4 * k + 4);

describe('an untrained BatchNorm exported with its statistics merged into its scale and shift', () => {
  it('plans each running statistic as a statistic of its own; the scales and shifts stay trainable', () => {
    const plan = planConversion(decodeOnnx(fixture(FILE), FILE));
    expect(plan.model.graph.nodes.filter((n) => n.opType === 'Identity').length).toBe(6);
    for (const name of STATS) expect(plan.params.get(name)?.role).toBe('statistic');
    for (const name of ['b1.weight', 'b1.bias', 'scale']) expect(plan.params.get(name)?.role).toBe('weight');
    // b2's scale and shift still come through their Identity nodes (trainable copies of b1's).
    expect(plan.steps.map((s) => s.node.opType).filter((op) => op === 'Identity').length).toBe(2);
  });

  it('the other way round (a statistic read directly, its merged twin a convolution\'s bias): the bias is a trainable weight of its own', () => {
    const plan = planConversion(decodeOnnx(tinyModel({
      input: ['N', 2, 3, 3],
      nodes: [
        { op: 'Identity', inputs: ['bn.running_mean'], outputs: ['conv.bias'] },
        { op: 'Conv', inputs: ['x', 'conv.weight', 'conv.bias'], outputs: ['c'], attrs: { kernel_shape: [1, 1] } },
        { op: 'BatchNormalization', inputs: ['c', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var'], outputs: ['y'] },
      ],
      outputs: ['y'],
      inits: {
        'conv.weight': { dims: [2, 2, 1, 1], values: [1, 2, 3, 4] }, 'bn.weight': { dims: [2], values: [1, 2] }, 'bn.bias': { dims: [2], values: [3, 4] },
        'bn.running_mean': { dims: [2], values: [0, 0] }, 'bn.running_var': { dims: [2], values: [5, 6] },
      },
    }), 'twin.onnx'));
    expect(plan.params.get('bn.running_mean')?.role).toBe('statistic');
    expect(plan.params.get('conv.bias')?.role).toBe('weight');
    expect(plan.steps.map((s) => s.node.opType)).toEqual(['Conv', 'BatchNormalization']);
  });

  it('layers model: train mode gives PyTorch\'s output and running statistics, then eval PyTorch\'s output', () => {
    const plan = planConversion(decodeOnnx(fixture(FILE), FILE));
    const { model } = onnxLayersModel(plan);
    // c1, b1 scale and shift, c2 and its bias, b2's scale and shift (Identity copies), the layer scale.
    expect(model.trainableWeights.length).toBe(8);
    expect(model.nonTrainableWeights.length).toBe(4);
    const x = nhwc();
    const train = nchw(model.apply(x, { training: true }) as tf.Tensor);
    expect(relError(train, npy('fresh_bn.train.npy').data)).toBeLessThan(1e-5);
    const bns = model.layers.filter((l): l is OnnxNodeLayer => l instanceof OnnxNodeLayer && l.onnxNode.opType === 'BatchNormalization');
    STATS.forEach((name, k) => {
      const layer = bns.find((l) => l.initialisers.includes(name))!;
      const moved = layer.weights[layer.initialisers.indexOf(name)].read().dataSync();
      expect(relError(moved, torchStats(k))).toBeLessThan(1e-5);
    });
    const evaluated = nchw(model.predict(x) as tf.Tensor);
    expect(relError(evaluated, npy('fresh_bn.eval.npy').data)).toBeLessThan(1e-5);
    x.dispose();
    disposeModel(model);
  });

  it('graph model (the probe\'s and onnx:check\'s): the same, and the same written back', async () => {
    const m = loadOnnx(fixture(FILE), FILE);
    const x = nhwc();
    const train = tf.tidy(() => m.run(x, undefined, { training: true, layout: 'logical' })[0].dataSync());
    expect(relError(train, npy('fresh_bn.train.npy').data)).toBeLessThan(1e-5);
    STATS.forEach((name, k) => expect(relError(m.variables.get(name)!.dataSync(), torchStats(k))).toBeLessThan(1e-5));
    expect(m.trainableVariables().length).toBe(6);
    const evaluated = tf.tidy(() => m.run(x, undefined, { layout: 'logical' })[0].dataSync());
    expect(relError(evaluated, npy('fresh_bn.eval.npy').data)).toBeLessThan(1e-5);
    const session = await ort.InferenceSession.create(writeOnnx(m.plan.model, await m.exportWeights()));
    const out = await session.run({ input: new ort.Tensor('float32', input.data, input.shape) });
    expect(relError(out.output.data as Float32Array, npy('fresh_bn.eval.npy').data)).toBeLessThan(1e-5);
    await session.release();
    x.dispose();
    m.dispose();
  });

  it('writes the moved statistics as initialisers in place of the Identity nodes: ONNX Runtime gives PyTorch\'s eval output', async () => {
    const plan = planConversion(decodeOnnx(fixture(FILE), FILE));
    const { model } = onnxLayersModel(plan);
    const x = nhwc();
    tf.tidy(() => { model.apply(x, { training: true }); });
    const bytes = writeOnnx(plan.model, await onnxLayersWeights(model, plan));
    const again = decodeOnnx(bytes, 'student.onnx');
    expect(again.graph.nodes.filter((n) => n.opType === 'Identity').map((n) => n.outputs[0]).sort()).toEqual(['b2.bias', 'b2.weight']);
    for (const name of STATS) expect(again.graph.initializers.has(name)).toBe(true);
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ input: new ort.Tensor('float32', input.data, input.shape) });
    expect(relError(out.output.data as Float32Array, npy('fresh_bn.eval.npy').data)).toBeLessThan(1e-5);
    await session.release();
    x.dispose();
    disposeModel(model);
  });
});
