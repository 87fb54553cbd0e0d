// What the ONNX → PyTorch generator refuses, by name, before writing anything: a padding PyTorch
// has no form for, initialiser names that cannot be one module tree. And what it covers: every
// op the importer runs at run time has a writer (the rest only fold to constants at import).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { planConversion } from '../onnx/convert/plan';
import { OPS } from '../onnx/convert/registry';
import { FOLD_ONLY } from '../onnx/convert/ops/constants';
import { decodeOnnx } from '../onnx/decode';
import { tinyModel } from '../onnx/testkit';
import { PytorchExportError } from './graph';
import { generateOnnxModule } from './onnxModuleSource';
import { OP_WRITERS } from './onnxOps';

await tf.setBackend('cpu');

const planOf = (bytes: Uint8Array) => planConversion(decodeOnnx(bytes, 'model.onnx'));

function refused(fn: () => unknown): PytorchExportError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PytorchExportError);
    return e as PytorchExportError;
  }
  throw new Error('expected a refusal, the module was written');
}

describe('the ONNX → PyTorch generator', () => {
  it('has a writer for every op the importer runs; only the constant-folding ops have none', () => {
    const without = Object.keys(OPS).filter((op) => !OP_WRITERS[op]).sort();
    expect(without).toEqual(['Constant', 'Shape', ...FOLD_ONLY].sort());
  });

  it('refuses reflect and edge padding over the channels by node name; takes them over H and W', () => {
    const pad = (mode: string, pads: number[]) => planOf(tinyModel({
      input: [1, 3, 6, 5],
      nodes: [{ op: 'Pad', inputs: ['x', 'p'], outputs: ['y'], name: 'pad_it', attrs: { mode } }],
      outputs: ['y'],
      inits: { p: { dims: [8], values: pads } },
    }));
    for (const mode of ['reflect', 'edge']) {
      // The importer takes it (TF.js pads any axis); PyTorch's reflect/replicate pad only spatial axes.
      const e = refused(() => generateOnnxModule(pad(mode, [0, 1, 0, 0, 0, 1, 0, 0])));
      expect(e.refused).toHaveLength(1);
      expect(e.refused[0]).toMatch(new RegExp(`^Pad node "pad_it" \\(opset 13\\): ${mode} padding of axis 1 of a rank-4 tensor`));
      expect(generateOnnxModule(pad(mode, [0, 0, 1, 2, 0, 0, 2, 1])).source).toContain(`F.pad(x, (2, 1, 1, 2), mode="${mode === 'edge' ? 'replicate' : 'reflect'}")`);
    }
  });

  it('refuses initialiser names that are not one module tree, naming each', () => {
    const plan = planOf(tinyModel({
      input: [1, 3, 4, 4],
      nodes: [{ op: 'Conv', inputs: ['x', 'head', 'head.bias'], outputs: ['y'], name: 'conv', attrs: { kernel_shape: [1, 1] } }],
      outputs: ['y'],
      inits: { head: { dims: [2, 3, 1, 1], values: [1, 2, 3, 4, 5, 6] }, 'head.bias': { dims: [2], values: [0.5, -0.5] } },
    }));
    const e = refused(() => generateOnnxModule(plan));
    expect(e.refused).toEqual(['"head.bias": "head" is a tensor, not a module']);
  });
});
