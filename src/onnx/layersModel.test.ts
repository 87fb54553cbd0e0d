// The ONNX graph as a TF.js layers model: the same outputs as the converted graph (and so as
// PyTorch), trainable weights that train (BatchNorm in train mode), a split at a clean tap with
// splitAtLayer, the U-Net's bottleneck refused there, and the trained weights written back to an
// .onnx that ONNX Runtime runs to the layers model's outputs.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { disposeModel } from '../models/disposeModel';
import { splitAtLayer } from '../models/split';
import { decodeOnnx } from './decode';
import { listTaps, loadOnnx, writeOnnx } from './index';
import { onnxLayersModel, onnxLayersWeights } from './layersModel';
import { fixture, npy, relError } from './testkit';

beforeAll(async () => {
  await useWasmBackend();
});
ort.env.wasm.numThreads = 1;

const nhwc = (name: string) => {
  const x = npy(name);
  return tf.tidy(() => tf.transpose(tf.tensor(x.data, x.shape), [0, 2, 3, 1]));
};

describe('onnxLayersModel', () => {
  for (const name of ['lraspp_mnv3', 'fcn_resnet18', 'unet', 'opzoo']) {
    it(`${name}: the layers model gives the converted graph's outputs`, () => {
      const graph = loadOnnx(fixture(`${name}-op13.onnx`), name);
      const { model } = onnxLayersModel(graph.plan);
      const x = nhwc(`${name}.input.npy`);
      // The first call keeps one tensor for good (TF.js layers' own); later calls keep none.
      tf.tidy(() => { model.predict(x); });
      const before = tf.memory().numTensors;
      const a = tf.tidy(() => graph.run(x).map((t) => t.dataSync()));
      const b = tf.tidy(() => {
        const y = model.predict(x);
        return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync());
      });
      b.forEach((v, k) => expect(relError(v, a[k])).toBeLessThan(1e-6));
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      disposeModel(model);
      graph.dispose();
    });
  }

  it('splits at the suggested tap (U-Net), refuses the bottleneck, trains, and writes an .onnx ONNX Runtime reproduces', async () => {
    const graph = loadOnnx(fixture('unet-op13.onnx'), 'unet');
    const { model, layerOf, shared } = onnxLayersModel(graph.plan);
    expect(shared).toEqual([]);
    const { suggested } = listTaps(graph.plan);
    const split = splitAtLayer(model, layerOf.get(suggested!)!);
    expect(split.tapShape).toEqual([32, 32, 24]);
    expect(() => splitAtLayer(model, layerOf.get('/d3/d3.5/Relu_output_0')!)).toThrow(/skip connection around the tap/);
    const x = nhwc('unet.input.npy');
    const whole = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    const parts = tf.tidy(() => (split.head.apply(split.backbone.apply(x)) as tf.Tensor).dataSync());
    expect(relError(parts, whole)).toBeLessThan(1e-6);
    // Trainable: 10 bias-free convs, the head's and the transposed conv's weight and bias, 10
    // BatchNorms' scale and shift; their running statistics are not.
    expect(model.trainableWeights.length).toBe(10 + 2 + 2 + 2 * 10);
    expect(model.nonTrainableWeights.filter((w) => w.shape.length === 1 && (w.shape[0] ?? 0) > 1).length).toBeGreaterThanOrEqual(20);
    const opt = tf.train.adam(1e-2);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = () => tf.tidy(() => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, 0.5))) as tf.Scalar);
    opt.minimize(loss, false, vars);
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const l = opt.minimize(loss, true, vars)!;
      losses.push(l.dataSync()[0]);
      l.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[3]).toBeLessThan(losses[0]);
    const bytes = writeOnnx(graph.plan.model, await onnxLayersWeights(model, graph.plan));
    expect(decodeOnnx(bytes, 'student.onnx').graph.nodes.length).toBe(graph.plan.model.graph.nodes.length);
    const input = npy('unet.input.npy');
    const mine = tf.tidy(() => tf.transpose(model.predict(x) as tf.Tensor, [0, 3, 1, 2]).dataSync());
    const session = await ort.InferenceSession.create(bytes);
    const res = await session.run({ input: new ort.Tensor('float32', input.data, input.shape) });
    expect(relError(mine, res.output.data as Float32Array)).toBeLessThan(1e-4);
    await session.release();
    opt.dispose();
    x.dispose();
    disposeModel(model);
    graph.dispose();
  });
});
