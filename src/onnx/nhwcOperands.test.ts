// Element-wise ops between an NHWC feature map and a constant operand laid out as ONNX writes it
// (a [1, C, 1, 1] scale, a [C, 1, 1] shift, a [1, 1, H, W] map, a [W] row; initialisers and
// Constant nodes): the same outputs as ONNX Runtime and the gradient of the scale worked by hand.
// The feature map is 4 (C) × 4 (H) × 5 (W): left in NCHW, a [1, 4, 1, 1] operand would broadcast
// along H without an error.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { disposeModel } from '../models/disposeModel';
import { loadOnnx } from './index';
import { onnxLayersModel } from './layersModel';
import { relError, tinyModel } from './testkit';

beforeAll(async () => {
  await useWasmBackend();
});
ort.env.wasm.numThreads = 1;

const seq = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const scale = [0.5, 1, 1.5, 2];
const spatial = seq(20, (i) => 1 + 0.1 * i);
const row = [1, -1, 2, 0.5, 3];

const file = () => tinyModel({
  input: ['N', 3, 4, 5],
  nodes: [
    { op: 'Conv', inputs: ['x', 'k'], outputs: ['c'], attrs: { kernel_shape: [1, 1] } },
    { op: 'Mul', inputs: ['c', 's'], outputs: ['m'] },
    { op: 'Constant', inputs: [], outputs: ['cst'], attrs: { value: { dims: [1, 4, 1, 1], values: [1, 2, 3, 4] } } },
    { op: 'Add', inputs: ['cst', 'm'], outputs: ['a'] },
    { op: 'Sub', inputs: ['a', 'shift'], outputs: ['d'] },
    { op: 'Constant', inputs: [], outputs: ['sp'], attrs: { value: { dims: [1, 1, 4, 5], values: spatial } } },
    { op: 'Div', inputs: ['d', 'sp'], outputs: ['e'] },
    { op: 'Mul', inputs: ['e', 'row'], outputs: ['f'] },
    { op: 'Add', inputs: ['f', 'full'], outputs: ['y'] },
  ],
  outputs: ['y'],
  inits: {
    k: { dims: [4, 3, 1, 1], values: seq(12, (i) => Math.sin(i + 1)) },
    s: { dims: [1, 4, 1, 1], values: scale },
    shift: { dims: [4, 1, 1], values: [0.1, -0.2, 0.3, -0.4] },
    row: { dims: [5], values: row },
    full: { dims: [1, 4, 4, 5], values: seq(80, (i) => Math.cos(i)) },
  },
});

const input = Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => Math.sin(i * 0.77));
const nhwcInput = () => tf.transpose(tf.tensor4d(input, [2, 3, 4, 5]), [0, 2, 3, 1]);

async function onnxRuntime(): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file());
  const out = await session.run({ x: new ort.Tensor('float32', input, [2, 3, 4, 5]) });
  await session.release();
  return out.y.data as Float32Array;
}

/** d Σy / d s_c = Σ_{n,h,w} c[n, c, h, w] · row[w] / sp[h, w]. */
function scaleGradient(c: Float32Array): number[] {
  return seq(4, (ch) => {
    let g = 0;
    for (let n = 0; n < 2; n++) for (let h = 0; h < 4; h++) for (let w = 0; w < 5; w++) g += c[((n * 4 + ch) * 4 + h) * 5 + w] * row[w] / spatial[h * 5 + w];
    return g;
  });
}

describe('constant operands of element-wise ops on NHWC feature maps', () => {
  it('the converted graph matches ONNX Runtime, and the scale\'s gradient is Σ c·row/sp', async () => {
    const expected = await onnxRuntime();
    const m = loadOnnx(file(), 'operands.onnx');
    const x = nhwcInput();
    const [y, c] = m.run(x, ['y', 'c'], { layout: 'logical' });
    expect(relError(y.dataSync(), expected)).toBeLessThan(1e-6);
    const s = m.variables.get('s')!;
    const { grads } = tf.variableGrads(() => tf.tidy(() => tf.sum(m.run(x)[0])) as tf.Scalar, [s]);
    expect(relError(grads[s.name].dataSync(), Float32Array.from(scaleGradient(c.dataSync() as Float32Array)))).toBeLessThan(1e-5);
    tf.dispose([x, y, c, ...Object.values(grads)]);
    m.dispose();
  });

  it('so does the layers model, and its scale trains from the same gradient', async () => {
    const expected = await onnxRuntime();
    const m = loadOnnx(file(), 'operands.onnx');
    const { model } = onnxLayersModel(m.plan);
    const x = nhwcInput();
    const y = tf.tidy(() => tf.transpose(model.predict(x) as tf.Tensor, [0, 3, 1, 2]).dataSync());
    expect(relError(y, expected)).toBeLessThan(1e-6);
    const c = tf.tidy(() => m.run(x, ['c'], { layout: 'logical' })[0].dataSync() as Float32Array);
    const s = model.layers.flatMap((l) => l.trainableWeights).find((w) => w.shape.join() === '1,4,1,1')!.read() as tf.Variable;
    const { grads } = tf.variableGrads(() => tf.tidy(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, [s]);
    expect(relError(grads[s.name].dataSync(), Float32Array.from(scaleGradient(c)))).toBeLessThan(1e-5);
    tf.dispose([x, ...Object.values(grads)]);
    disposeModel(model);
    m.dispose();
  });
});
