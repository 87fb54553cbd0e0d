// Taps of converted models: every 4-D value listed with its NHWC shape and stride, the default on
// each fixture family, a U-Net whose skip connections cross its bottleneck (no cut there: refused
// with the crossing value named; the default is a clean cut, and backbone + head there give the
// whole model's output), and a batch fixed at 1 in the file.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { OnnxError } from './errors';
import { loadOnnx, listTaps } from './index';
import { fixture, relError, tinyModel } from './testkit';
import { tapCutProblem } from './tapCut';

beforeAll(async () => {
  await useWasmBackend();
});

const images = (n: number, side: number) => tf.tensor4d(Float32Array.from({ length: n * side * side * 3 }, (_, i) => Math.sin(i * 1.7)), [n, side, side, 3]);

describe('listTaps', () => {
  it('lists every 4-D value the graph computes, with its NHWC shape and stride (U-Net)', () => {
    const m = loadOnnx(fixture('unet-op13.onnx'), 'unet');
    const { taps } = listTaps(m.plan);
    const fourD = m.plan.steps.flatMap((s) => s.node.outputs.filter((o, k) => o && s.outputs[k].shape.length === 4 && !s.outputs[k].constant));
    expect(taps.map((t) => t.name)).toEqual(fourD);
    const byName = new Map(taps.map((t) => [t.name, t]));
    // The bottleneck's last ReLU: 8×8 of 4·8 channels at stride 4; the head's output 32×32×2.
    expect(byName.get('/d3/d3.5/Relu_output_0')).toMatchObject({ shape: [8, 8, 32], stride: 4, op: 'Relu' });
    expect(byName.get('output')).toMatchObject({ shape: [32, 32, 2], stride: 1, op: 'Conv' });
    expect(new Set(taps.map((t) => t.stride))).toEqual(new Set([1, 2, 4]));
    m.dispose();
  });

  it('suggests the backbone\'s last map before the head on each fixture family', () => {
    const suggested = (file: string) => {
      const m = loadOnnx(fixture(file), file);
      const { taps, suggested: name } = listTaps(m.plan);
      m.dispose();
      return taps.find((t) => t.name === name)!;
    };
    // FCN-ResNet-18: layer4's output, 2×2 at stride 32 (the FCN head follows).
    expect(suggested('fcn_resnet18-op13.onnx')).toMatchObject({ name: '/net/backbone/layer4/layer4.1/relu_1/Relu_output_0', shape: [2, 2, 32], stride: 32 });
    // LR-ASPP: its head reads the stride-8 map and the last one, so the cut is at the stride-8 stage.
    expect(suggested('lraspp_mnv3-op13.onnx')).toMatchObject({ stride: 8, notTap: null });
    // A 1×1 map (a global pool) is never the default.
    expect(suggested('opzoo-op13.onnx').shape.slice(0, 2)).not.toEqual([1, 1]);
  });
});

describe('a U-Net: skip connections cross the bottleneck', () => {
  it('refuses the bottleneck as the tap, naming a value that crosses it', () => {
    const m = loadOnnx(fixture('unet-op17.onnx'), 'unet');
    const { taps, suggested } = listTaps(m.plan);
    const bottleneck = taps.find((t) => t.name === '/d3/d3.5/Relu_output_0')!;
    expect(bottleneck.notTap).toMatch(/^the head after it also reads "\/d[12]\/.*", computed before it \(a skip connection crosses it\)$/);
    // Every stride-4 and stride-2 map is crossed by a skip; the default is a clean cut at stride 1.
    expect(taps.filter((t) => t.stride > 1).every((t) => t.notTap)).toBe(true);
    expect(suggested).toBe('/Concat_1_output_0');
    expect(tapCutProblem(m.plan, 'output')).toBeNull();
    m.dispose();
  });

  it('at the default tap, backbone then head (fed the tap) give the whole model\'s output', () => {
    const m = loadOnnx(fixture('unet-op13.onnx'), 'unet');
    const { suggested } = listTaps(m.plan);
    const x = images(2, 32);
    const whole = tf.tidy(() => m.run(x)[0].dataSync());
    const split = tf.tidy(() => {
      const [feature] = m.run(x, [suggested!]);
      return m.run(null, undefined, { feeds: new Map([[suggested!, feature]]) })[0].dataSync();
    });
    expect(relError(split, whole)).toBeLessThan(1e-6);
    // Fed the bottleneck instead, the head would need the encoder's maps: a clear refusal.
    const bottleneck = tf.tidy(() => m.run(x, ['/d3/d3.5/Relu_output_0'])[0].clone());
    expect(() => m.run(null, undefined, { feeds: new Map([['/d3/d3.5/Relu_output_0', bottleneck]]) })).toThrow(OnnxError);
    tf.dispose([x, bottleneck]);
    m.dispose();
  });
});

describe('a batch fixed at 1 in the file', () => {
  // Conv then Reshape to [1, -1]: exported without dynamic_axes, the batch is baked into the graph.
  const fixedOne = (batch: number) => tinyModel({
    input: [batch, 3, 8, 8],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['f'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Constant', inputs: [], outputs: ['shape'], attrs: { value_ints: [batch, -1] } },
      { op: 'Reshape', inputs: ['f', 'shape'], outputs: ['y'] },
    ],
    outputs: ['y'],
    inits: { w: { dims: [4, 3, 3, 3], values: Array.from({ length: 108 }, (_, i) => Math.cos(i)) } },
  });

  it('runs a batch one image at a time, from the images and from a fed tap alike', () => {
    const m = loadOnnx(fixedOne(1), 'fixed.onnx');
    expect(m.plan.input.fixedBatch).toBe(1);
    const x = images(3, 8);
    const [y] = m.run(x);
    expect(y.shape).toEqual([3, 256]);
    const each = tf.concat([0, 1, 2].map((i) => m.run(tf.slice(x, [i, 0, 0, 0], [1, 8, 8, 3]))[0]), 0);
    expect(relError(y.dataSync(), each.dataSync())).toBe(0);
    const [f] = m.run(x, ['f']);
    const [fromTap] = m.run(null, undefined, { feeds: new Map([['f', f]]) });
    expect(relError(fromTap.dataSync(), y.dataSync())).toBe(0);
    tf.dispose([x, y, each, f, fromTap]);
    m.dispose();
  });

  it('refuses another batch size when the file fixes it at 2', () => {
    const m = loadOnnx(fixedOne(2), 'fixed2.onnx');
    const x = images(3, 8);
    expect(() => m.run(x)).toThrow(/the model's batch is fixed at 2; got 3 images/);
    x.dispose();
    m.dispose();
  });
});
