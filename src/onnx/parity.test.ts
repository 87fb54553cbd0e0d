// The converted fixtures against PyTorch's outputs (the .expected.npy the export script wrote) and
// against ONNX Runtime (onnxruntime-web's WASM build in Node) on random inputs, to 1e-4 relative.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { loadOnnx } from './index';
import { fixture, npy, relError } from './testkit';

beforeAll(async () => {
  await useWasmBackend();
});
ort.env.wasm.numThreads = 1;

const MODELS = [['lraspp_mnv3', 1], ['fcn_resnet18', 1], ['unet', 1], ['opzoo', 2]] as const;

/** Runs the converted model on NCHW data, returning NCHW outputs. */
function convertedOutputs(file: string, data: Float32Array, shape: number[]): Float32Array[] {
  const m = loadOnnx(fixture(file), file);
  const outs = tf.tidy(() => m.run(tf.transpose(tf.tensor(data, shape), [0, 2, 3, 1]), undefined, { layout: 'logical' }));
  const values = outs.map((o) => o.dataSync() as Float32Array);
  tf.dispose(outs);
  m.dispose();
  return values;
}

async function ortOutputs(bytes: Uint8Array, data: Float32Array, shape: number[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes);
  const res = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, shape) });
  const out = session.outputNames.map((n) => res[n].data as Float32Array);
  await session.release();
  return out;
}

describe('converted torchvision-family exports', () => {
  for (const [name, outputs] of MODELS) {
    for (const opset of [11, 13, 17]) {
      it(`${name} at opset ${opset} matches PyTorch and ONNX Runtime to 1e-4`, async () => {
        const before = tf.memory().numTensors;
        const x = npy(`${name}.input.npy`);
        const got = convertedOutputs(`${name}-op${opset}.onnx`, x.data, x.shape);
        for (let k = 0; k < outputs; k++) {
          const expected = npy(`${name}.expected${outputs > 1 ? k : ''}.npy`);
          expect(relError(got[k], expected.data)).toBeLessThan(1e-4);
        }
        // Random input (another batch size): against ONNX Runtime.
        const shape = [3, ...x.shape.slice(1)];
        const r = Float32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => Math.sin(i * 12.9898 + opset) * 1.5);
        const mine = convertedOutputs(`${name}-op${opset}.onnx`, r, shape);
        const theirs = await ortOutputs(fixture(`${name}-op${opset}.onnx`), r, shape);
        theirs.forEach((t, k) => expect(relError(mine[k], t)).toBeLessThan(1e-4));
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});
