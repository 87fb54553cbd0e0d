// Training through a converted graph: finite-difference gradients of its weights, BatchNorm's
// train mode (batch statistics, running ones moved by the momentum), no leaked tensors, and the
// trained weights written back to an .onnx that ONNX Runtime runs to the same outputs.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { decodeOnnx } from './decode';
import { loadOnnx, writeOnnx } from './index';
import { fixture, relError, tinyModel } from './testkit';

beforeAll(async () => {
  await useWasmBackend();
});
ort.env.wasm.numThreads = 1;

const images = (n: number, h: number, w: number, seed: number) =>
  tf.tensor4d(Float32Array.from({ length: n * h * w * 3 }, (_, i) => Math.sin(i * 7.13 + seed)), [n, h, w, 3]);

describe('gradients through a converted graph', () => {
  // On wasm too: its MaxPoolGrad sent all-negative windows' gradients to element 0 before
  // src/backends/wasm/maxPoolGrad.ts (the stem's kernel gradient was 0.010 for 0.239).
  it.each(['cpu', 'wasm'] as const)('match central differences for conv, PReLU, Gemm and BatchNorm weights (opzoo, opset 13, %s)', async (backend) => {
    if (backend === 'cpu') await tf.setBackend('cpu');
    const m = loadOnnx(fixture('opzoo-op13.onnx'), 'opzoo');
    const x = images(2, 32, 32, 1);
    const loss = () => tf.tidy(() => {
      const [d, v] = m.run(x);
      return tf.add(tf.sum(tf.mul(d, tf.sin(tf.range(0, d.size).reshape(d.shape)))), tf.sum(tf.square(v)));
    });
    const vars = m.trainableVariables();
    const { grads } = tf.variableGrads(loss as () => tf.Scalar, vars);
    const picked = vars.filter((v) => /stem\.weight|dw\.weight|pw\.weight|prelu|fc\.weight|bn\.weight|up\.weight/.test(v.name));
    expect(picked.length).toBeGreaterThanOrEqual(4);
    for (const v of picked) {
      const g = Array.from(grads[v.name].dataSync());
      const base = v.dataSync().slice();
      const i = g.reduce((best, val, k) => (Math.abs(val) > Math.abs(g[best]) ? k : best), 0);
      const h = 1e-2;
      const at = (delta: number) => {
        const p = base.slice();
        p[i] += delta;
        v.assign(tf.tensor(p, v.shape));
        const l = loss();
        const s = l.dataSync()[0];
        l.dispose();
        return s;
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      v.assign(tf.tensor(base, v.shape));
      expect(Math.abs(fd - g[i])).toBeLessThan(2e-2 * Math.max(1, Math.abs(g[i])));
    }
    tf.dispose([x, ...Object.values(grads)]);
    m.dispose();
    await useWasmBackend();
  });
});

describe('BatchNormalization', () => {
  const bn = () => tinyModel({
    input: ['N', 2, 2, 2],
    nodes: [{ op: 'BatchNormalization', inputs: ['x', 's', 'b', 'mean', 'var'], outputs: ['y'], attrs: { epsilon: 1e-5, momentum: 0.9 } }],
    outputs: ['y'],
    inits: { s: { dims: [2], values: [2, 1] }, b: { dims: [2], values: [0, 1] }, mean: { dims: [2], values: [1, 0] }, var: { dims: [2], values: [4, 1] } },
  });

  it('uses running statistics in eval mode and the batch\'s in train mode, moving the running ones (hand-worked)', () => {
    const m = loadOnnx(bn(), 'bn.onnx');
    // channel 0 values 1..8 over N=2, H=W=2 (NHWC), channel 1 all 3.
    const x = tf.tensor4d([1, 3, 2, 3, 3, 3, 4, 3, 5, 3, 6, 3, 7, 3, 8, 3], [2, 2, 2, 2]);
    const [ev] = m.run(x);
    // eval: (1 − 1)/2·2 + 0 = 0 ; (3 − 0)/1·1 + 1 = 4
    expect(Array.from(ev.dataSync().slice(0, 2)).map((v) => +v.toFixed(4))).toEqual([0, 4]);
    const [tr] = m.run(x, undefined, { training: true });
    // train: channel 0 mean 4.5, biased var 5.25: (1 − 4.5)/√5.25·2 = −3.0551
    expect(tr.dataSync()[0]).toBeCloseTo(-3.0551, 3);
    const mean = m.variables.get('mean')!.dataSync(), variance = m.variables.get('var')!.dataSync();
    expect(mean[0]).toBeCloseTo(0.9 * 1 + 0.1 * 4.5, 5);
    expect(variance[0]).toBeCloseTo(0.9 * 4 + 0.1 * 5.25 * (8 / 7), 5);
    expect(mean[1]).toBeCloseTo(0.9 * 0 + 0.1 * 3, 5);
    tf.dispose([x, ev, tr]);
    m.dispose();
  });
});

describe('training steps and ONNX out', () => {
  it('trains the U-Net student (train-mode BatchNorm) without leaking tensors, and its .onnx runs in ONNX Runtime to 1e-4', async () => {
    const m = loadOnnx(fixture('unet-op13.onnx'), 'unet');
    const x = images(2, 32, 32, 2);
    const opt = tf.train.adam(1e-2);
    const step = () => opt.minimize(() => tf.tidy(() => tf.mean(tf.square(tf.sub(m.run(x, undefined, { training: true })[0], 0.5)))), true, m.trainableVariables())!;
    step().dispose();
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const l = step();
      losses.push(l.dataSync()[0]);
      l.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[3]).toBeLessThan(losses[0]);

    const bytes = writeOnnx(m.plan.model, await m.exportWeights());
    const again = decodeOnnx(bytes, 'student.onnx');
    expect(again.graph.nodes.map((n) => n.opType)).toEqual(m.plan.model.graph.nodes.map((n) => n.opType));
    const r = Float32Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) => Math.cos(i * 0.37));
    const mine = tf.tidy(() => m.run(tf.transpose(tf.tensor4d(r, [2, 3, 32, 32]), [0, 2, 3, 1]), undefined, { layout: 'logical' })[0].dataSync());
    const session = await ort.InferenceSession.create(bytes);
    const res = await session.run({ input: new ort.Tensor('float32', r, [2, 3, 32, 32]) });
    expect(relError(mine, res.output.data as Float32Array)).toBeLessThan(1e-4);
    await session.release();
    opt.dispose();
    tf.dispose(x);
    m.dispose();
  });
});
