// Dilated Conv nodes (src/onnx/convert/ops/conv.ts) on both of their paths, the kernel spread with
// zeros and the sum over taps (dilatedByTaps): depthwise, with a channel multiplier, strided,
// grouped, and a dilation wider than the input (DeepLabV3's ASPP at a small feature map: only the
// centre tap reads the input). Outputs of the converted graph and of its
// layers model against a plain loop over ONNX's definition; weight and bias gradients against
// central finite differences.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { disposeModel } from '../models/disposeModel';
import { randomArray } from '../maskd/ops.testkit';
import { usesTaps } from './convert/ops/conv';
import { loadOnnx } from './index';
import { onnxLayersModel } from './layersModel';
import { relError, tinyModel } from './testkit';

beforeAll(async () => {
  await useWasmBackend();
});

interface Case {
  name: string;
  taps: boolean;
  n: number; cin: number; h: number; w: number; cout: number; group: number;
  k: [number, number]; dil: [number, number]; strides: [number, number]; pads: [number, number, number, number];
}

const CASES: Case[] = [
  { name: 'spread: depthwise ×2 multiplier, dilations 2×3, uneven pads', taps: false, n: 2, cin: 3, h: 7, w: 8, cout: 6, group: 3, k: [3, 3], dil: [2, 3], strides: [1, 1], pads: [2, 3, 1, 2] },
  { name: 'spread: depthwise 5×5, dilation 2, stride 2 (MobileNetV3\'s)', taps: false, n: 1, cin: 4, h: 9, w: 9, cout: 4, group: 4, k: [5, 5], dil: [2, 2], strides: [2, 2], pads: [4, 4, 4, 4] },
  { name: 'spread: grouped (2 groups, 4→6), 3×2 kernel, dilation 2, strides 2×1', taps: false, n: 2, cin: 4, h: 8, w: 7, cout: 6, group: 2, k: [3, 2], dil: [2, 2], strides: [2, 1], pads: [1, 2, 2, 0] },
  { name: 'taps: dense 3×3, dilation 6 on 4×4 (ASPP: only the centre tap reads the input)', taps: true, n: 2, cin: 3, h: 4, w: 4, cout: 2, group: 1, k: [3, 3], dil: [6, 6], strides: [1, 1], pads: [6, 6, 6, 6] },
  { name: 'taps: depthwise ×2 multiplier, dilation 3, stride 2, uneven pads', taps: true, n: 2, cin: 3, h: 9, w: 8, cout: 6, group: 3, k: [3, 3], dil: [3, 3], strides: [2, 2], pads: [3, 2, 1, 3] },
  { name: 'taps: grouped (3 groups, 6→3), dilations 4×2, strides 1×2, uneven pads', taps: true, n: 2, cin: 6, h: 9, w: 7, cout: 3, group: 3, k: [3, 3], dil: [4, 2], strides: [1, 2], pads: [4, 1, 3, 2] },
  // Spread with zeros, this kernel would be 8001×8001×4×4 floats (4.1 GB, refused by the wasm
  // allocation guard): what DeepLabV3-MobileNetV3's ASPP (dilation 24, 960→256) ran into.
  { name: 'taps: dense 3×3, dilation 4000 on 3×5', taps: true, n: 1, cin: 4, h: 3, w: 5, cout: 4, group: 1, k: [3, 3], dil: [4000, 4000], strides: [1, 1], pads: [4000, 3999, 4000, 4001] },
];

const outSize = (c: Case, a: 0 | 1) => Math.floor(([c.h, c.w][a] + c.pads[a] + c.pads[a + 2] - ((c.k[a] - 1) * c.dil[a] + 1)) / c.strides[a]) + 1;

/** ONNX Conv by its definition: x NCHW, w [Cout, Cin/group, kh, kw]; the result NHWC (flat). */
function loopConv(c: Case, x: number[], w: number[], b: number[]): number[] {
  const [oh, ow] = [outSize(c, 0), outSize(c, 1)];
  const ig = c.cin / c.group, og = c.cout / c.group;
  const y = new Array<number>(c.n * oh * ow * c.cout).fill(0);
  for (let n = 0; n < c.n; n++) {
    for (let o = 0; o < c.cout; o++) {
      const g = Math.floor(o / og);
      for (let r = 0; r < oh; r++) {
        for (let q = 0; q < ow; q++) {
          let acc = b[o];
          for (let ci = 0; ci < ig; ci++) {
            for (let i = 0; i < c.k[0]; i++) {
              for (let j = 0; j < c.k[1]; j++) {
                const ih = r * c.strides[0] + i * c.dil[0] - c.pads[0], iw = q * c.strides[1] + j * c.dil[1] - c.pads[1];
                if (ih < 0 || ih >= c.h || iw < 0 || iw >= c.w) continue;
                acc += x[((n * c.cin + g * ig + ci) * c.h + ih) * c.w + iw] * w[((o * ig + ci) * c.k[0] + i) * c.k[1] + j];
              }
            }
          }
          y[((n * oh + r) * ow + q) * c.cout + o] = acc;
        }
      }
    }
  }
  return y;
}

function build(c: Case, seed: number) {
  const x = randomArray(c.n * c.cin * c.h * c.w, seed);
  const w = randomArray(c.cout * (c.cin / c.group) * c.k[0] * c.k[1], seed + 1);
  const b = randomArray(c.cout, seed + 2);
  const bytes = tinyModel({
    input: ['n', c.cin, c.h, c.w],
    nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'], attrs: { kernel_shape: c.k, dilations: c.dil, strides: c.strides, pads: c.pads, group: c.group } }],
    outputs: ['y'],
    inits: { w: { dims: [c.cout, c.cin / c.group, c.k[0], c.k[1]], values: w }, b: { dims: [c.cout], values: b } },
    opset: 13,
  });
  const image = tf.tidy(() => tf.transpose(tf.tensor4d(x, [c.n, c.cin, c.h, c.w]), [0, 2, 3, 1]));
  return { x, w, b, bytes, image };
}

describe('dilated Conv', () => {
  CASES.forEach((c, k) => {
    it(`${c.name}: the graph and its layers model match the loop`, () => {
      const { x, w, b, bytes, image } = build(c, 10 * k + 1);
      expect(usesTaps(c.k, c.dil, (c.cin / c.group) * c.cout)).toBe(c.taps);
      const expected = loopConv(c, x, w, b);
      const graph = loadOnnx(bytes, 'dilated');
      const y = graph.run(image)[0];
      expect(y.shape).toEqual([c.n, outSize(c, 0), outSize(c, 1), c.cout]);
      expect(relError(y.dataSync(), expected)).toBeLessThan(1e-6);
      const { model } = onnxLayersModel(graph.plan);
      const z = model.predict(image) as tf.Tensor;
      expect(relError(z.dataSync(), expected)).toBeLessThan(1e-6);
      tf.dispose([y, z, image]);
      disposeModel(model);
      graph.dispose();
    });

    it(`${c.name}: weight and bias gradients match central differences`, () => {
      const { bytes, image } = build(c, 10 * k + 1);
      const graph = loadOnnx(bytes, 'dilated');
      const shape = [c.n, outSize(c, 0), outSize(c, 1), c.cout];
      const r = tf.tensor(randomArray(shape.reduce((a, s) => a * s, 1), 10 * k + 5), shape);
      const loss = () => tf.tidy(() => tf.sum(tf.mul(graph.run(image)[0], r)) as tf.Scalar);
      const vars = graph.trainableVariables();
      expect(vars.length).toBe(2);
      const { grads } = tf.variableGrads(loss, vars);
      const h = 1e-2;
      let worst = 0, largest = 0;
      for (const v of vars) {
        const g = grads[v.name].dataSync();
        const base = v.dataSync().slice();
        const at = (i: number, delta: number) => {
          const p = base.slice();
          p[i] += delta;
          v.assign(tf.tensor(p, v.shape));
          const l = loss();
          const s = l.dataSync()[0];
          l.dispose();
          return s;
        };
        for (let i = 0; i < base.length; i++) {
          const fd = (at(i, h) - at(i, -h)) / (2 * h);
          worst = Math.max(worst, Math.abs(fd - g[i]) / Math.max(1, Math.abs(fd)));
          largest = Math.max(largest, Math.abs(g[i]));
        }
        v.assign(tf.tensor(base, v.shape));
      }
      expect(largest).toBeGreaterThan(0.1);
      expect(worst).toBeLessThan(2e-3);
      tf.dispose([r, image, ...Object.values(grads)]);
      graph.dispose();
    });
  });
});
