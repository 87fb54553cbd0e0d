// The ops the fixtures do not hold, in small hand-written graphs (odd sizes, asymmetric pads, the
// resize modes, opset 11's flattening softmax, a batch fixed at 1): the generated module, with the state dict of the
// page's layers model after its weights are changed, gives the page's outputs to 1e-5 relative.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { disposeModel } from '../models/disposeModel';
import { planConversion } from '../onnx/convert/plan';
import { decodeOnnx } from '../onnx/decode';
import { OnnxNodeLayer, onnxLayersModel } from '../onnx/layersModel';
import { tinyModel, type TinyNode } from '../onnx/testkit';
import { writeSafetensors, type SafetensorsTensor } from '../share/safetensors';
import { onnxModuleFiles } from './onnxModuleFiles';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('onnxOpsParity.test.ts');

const script = fileURLToPath(new URL('../../scripts/check-onnx-module.py', import.meta.url));
const seq = (n: number, s = 1) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + s) * 0.5);
const one = (v: number) => ({ dims: [], values: [v] });

interface Graph {
  readonly name: string;
  readonly opset: number;
  /** [C, H, W]; the batch is left open ('N') unless `batch` fixes it, and runs at 2. */
  readonly input: [number, number, number];
  readonly batch?: number;
  readonly nodes: TinyNode[];
  readonly outputs: string[];
  readonly inits: Record<string, { dims: number[]; values: number[] }>;
}

const GRAPHS: Graph[] = [
  {
    name: 'unary', opset: 13, input: [3, 7, 6],
    nodes: [
      { op: 'Mul', inputs: ['x', 'k'], outputs: ['a'] },
      { op: 'Exp', inputs: ['a'], outputs: ['e'] },
      { op: 'Abs', inputs: ['x'], outputs: ['b'] },
      { op: 'Add', inputs: ['b', 'one'], outputs: ['b1'] },
      { op: 'Log', inputs: ['b1'], outputs: ['l'] },
      { op: 'Reciprocal', inputs: ['b1'], outputs: ['r'] },
      { op: 'Softplus', inputs: ['x'], outputs: ['s'] },
      { op: 'Neg', inputs: ['s'], outputs: ['n'] },
      { op: 'Max', inputs: ['e', 'l'], outputs: ['m1'] },
      { op: 'Min', inputs: ['r', 'n'], outputs: ['m2'] },
      { op: 'Sub', inputs: ['m1', 'm2'], outputs: ['d'] },
      { op: 'Mul', inputs: ['d', 'scale'], outputs: ['y'] },
    ],
    outputs: ['y'],
    inits: { k: one(0.3), one: one(1), scale: { dims: [3, 1, 1], values: [0.5, -1, 2] } },
  },
  {
    name: 'tensor_ops', opset: 11, input: [6, 5, 7],
    nodes: [
      { op: 'Split', inputs: ['x'], outputs: ['p', 'q', 'r'], attrs: { axis: 1, split: [1, 2, 3] } },
      { op: 'Concat', inputs: ['r', 'p', 'q'], outputs: ['c'], attrs: { axis: 1 } },
      { op: 'Mul', inputs: ['c', 'w'], outputs: ['cw'] },
      { op: 'LogSoftmax', inputs: ['cw'], outputs: ['ls'], attrs: { axis: 1 } },
      { op: 'Transpose', inputs: ['ls'], outputs: ['t'], attrs: { perm: [0, 2, 3, 1] } },
      { op: 'Softmax', inputs: ['t'], outputs: ['sm'], attrs: { axis: 3 } },
      { op: 'GlobalMaxPool', inputs: ['cw'], outputs: ['g'] },
      { op: 'ReduceMax', inputs: ['cw'], outputs: ['rm'], attrs: { axes: [1, 3], keepdims: 0 } },
      { op: 'Gather', inputs: ['cw', 'idx'], outputs: ['ga'], attrs: { axis: 1 } },
    ],
    outputs: ['sm', 'g', 'rm', 'ga'],
    inits: { w: { dims: [6, 1, 1], values: seq(6) }, idx: { dims: [2], values: [4, -6] } },
  },
  {
    name: 'windows', opset: 13, input: [3, 9, 8],
    nodes: [
      { op: 'ConvTranspose', inputs: ['x', 'wt', 'bt'], outputs: ['u'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 1, 1, 0], output_padding: [1, 0] } },
      { op: 'MaxPool', inputs: ['u'], outputs: ['mp'], attrs: { kernel_shape: [3, 2], strides: [2, 2], auto_pad: 'SAME_UPPER' } },
      { op: 'AveragePool', inputs: ['u'], outputs: ['ap'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1], count_include_pad: 1 } },
      { op: 'Pad', inputs: ['x', 'pads'], outputs: ['pe'], attrs: { mode: 'edge' } },
      { op: 'Pad', inputs: ['pe', 'pads2'], outputs: ['pr'], attrs: { mode: 'reflect' } },
      { op: 'Conv', inputs: ['pr', 'wc'], outputs: ['cv'], attrs: { kernel_shape: [3, 3], strides: [2, 1], auto_pad: 'SAME_LOWER', dilations: [1, 2] } },
    ],
    outputs: ['mp', 'ap', 'cv'],
    inits: {
      wt: { dims: [3, 4, 3, 3], values: seq(108, 2) }, bt: { dims: [4], values: [0.1, -0.2, 0.3, 0] },
      pads: { dims: [8], values: [0, 0, 2, 0, 0, 0, 1, 3] }, pads2: { dims: [8], values: [0, 0, 1, 2, 0, 0, 2, 1] },
      wc: { dims: [5, 3, 3, 3], values: seq(135, 3) },
    },
  },
  {
    name: 'resize', opset: 13, input: [3, 7, 6],
    nodes: [
      { op: 'Resize', inputs: ['x', '', '', 'size'], outputs: ['a'], attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'round_prefer_ceil' } },
      { op: 'Resize', inputs: ['x', '', '', 'size'], outputs: ['b'], attrs: { mode: 'linear', coordinate_transformation_mode: 'half_pixel' } },
      { op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['c'], attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' } },
      { op: 'Resize', inputs: ['x', '', 'scales'], outputs: ['d'], attrs: { mode: 'nearest', coordinate_transformation_mode: 'tf_half_pixel_for_nn', nearest_mode: 'floor' } },
    ],
    outputs: ['a', 'b', 'c', 'd'],
    inits: { size: { dims: [4], values: [2, 3, 10, 9] }, scales: { dims: [4], values: [1, 1, 0.5, 1.5] } },
  },
  {
    name: 'dense', opset: 13, input: [2, 3, 4],
    nodes: [
      { op: 'Flatten', inputs: ['x'], outputs: ['f'], attrs: { axis: 1 } },
      { op: 'Gemm', inputs: ['f', 'wg', 'bg'], outputs: ['g'], attrs: { transB: 1, alpha: 0.5, beta: 2.5 } },
      { op: 'MatMul', inputs: ['g', 'wm'], outputs: ['m'] },
      { op: 'Unsqueeze', inputs: ['m', 'ax'], outputs: ['u'] },
      { op: 'Squeeze', inputs: ['u', 'ax'], outputs: ['s'] },
      { op: 'Reshape', inputs: ['s', 'shape'], outputs: ['y'] },
    ],
    outputs: ['y'],
    inits: { wg: { dims: [5, 24], values: seq(120, 4) }, bg: { dims: [5], values: seq(5, 5) }, wm: { dims: [5, 6], values: seq(30, 6) }, ax: { dims: [1], values: [1] }, shape: { dims: [3], values: [-1, 2, 3] } },
  },
  {
    // The batch fixed at 1 in the file: the page and the module run a batch image by image.
    name: 'fixed_batch', opset: 13, input: [3, 5, 4], batch: 1,
    nodes: [
      { op: 'Conv', inputs: ['x', 'wc', 'bc'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'Reshape', inputs: ['r', 'shape'], outputs: ['y'] },
    ],
    outputs: ['r', 'y'],
    inits: { wc: { dims: [2, 3, 3, 3], values: seq(54, 7) }, bc: { dims: [2], values: [0.1, -0.1] }, shape: { dims: [2], values: [1, -1] } },
  },
];

/** Every initialiser the layers hold, moved by a seeded ×(1 + 0.3u). */
function perturb(model: tf.LayersModel, seed: number): void {
  for (const layer of model.layers) {
    if (!(layer instanceof OnnxNodeLayer)) continue;
    layer.weights.forEach((w, i) => {
      if (layer.initialisers[i] === null) return;
      const next = tf.tidy(() => tf.mul(w.read(), tf.add(1, tf.mul(0.3, tf.randomUniform(w.shape as number[], -1, 1, 'float32', seed++)))));
      w.write(next);
      next.dispose();
    });
  }
}

describe.skipIf(!torchPython)('ONNX ops outside the fixtures: generated module = the page (1e-5 relative)', () => {
  it('unary and binary ops, split/concat/transpose/softmax (opset 11)/reduce/gather, transposed conv and pools with uneven pads, edge and reflect pads, four resize modes, Gemm/MatMul/reshapes, a batch fixed at 1', async () => {
    const before = tf.memory().numTensors;
    const dirs: string[] = [];
    for (const [i, g] of GRAPHS.entries()) {
      const plan = planConversion(decodeOnnx(tinyModel({ input: [g.batch ?? 'N', ...g.input], nodes: g.nodes, outputs: g.outputs, inits: g.inits, opset: g.opset }), `${g.name}.onnx`));
      const { model } = onnxLayersModel(plan);
      perturb(model, 100 * (i + 1));
      const { files } = onnxModuleFiles(model, plan, 'model');
      const dir = mkdtempSync(join(tmpdir(), `onnx-op-${g.name}-`));
      const tensors: Record<string, SafetensorsTensor> = {};
      tf.engine().startScope();
      try {
        const x = tf.randomNormal([2, ...g.input], 0, 1, 'float32', i + 1);
        tensors.input = { dtype: 'F32', shape: x.shape, data: Float32Array.from(x.dataSync()) };
        [model.predict(tf.transpose(x, [0, 2, 3, 1]))].flat().forEach((y, k) => {
          // 4-D values the plan keeps channels-last leave the layers model NHWC.
          const out = plan.meta.get(plan.outputs[k])!.layout === 'nhwc' && y.rank === 4 ? tf.transpose(y, [0, 3, 1, 2]) : y;
          tensors[`expected_${k}`] = { dtype: 'F32', shape: out.shape, data: Float32Array.from(out.dataSync()) };
        });
      } finally {
        tf.engine().endScope();
      }
      for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name === 'model.safetensors' ? 'state.safetensors' : name), data);
      writeFileSync(join(dir, 'case.safetensors'), writeSafetensors(tensors));
      writeFileSync(join(dir, 'case.json'), JSON.stringify({ original: null, train: false }));
      dirs.push(dir);
      disposeModel(model);
    }
    expect(tf.memory().numTensors).toBe(before);
    const r = spawnSync(torchPython!, [script, ...dirs], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`check-onnx-module.py failed: ${r.stderr}`);
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { error?: string; rel?: number });
    console.table(results.map((x, i) => ({ graph: GRAPHS[i].name, rel: x.rel, error: x.error })));
    results.forEach((x, i) => {
      expect(x.error, GRAPHS[i].name).toBeUndefined();
      expect(x.rel, GRAPHS[i].name).toBeLessThan(1e-5);
    });
  }, 120_000);
});
