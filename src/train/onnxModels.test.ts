// ONNX teacher and student through the engine, as the page loads them: probed first (the probe's
// ONNX format, in-process here), built as layers models, a U-Net teacher (its 2-channel output fits
// no demo labels: label-free) whose masks are learnt, and an ONNX student distilled from it. A
// truncated .onnx is refused through the probe with the session as it was.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { ModelFileError } from '../byo/modelFiles';
import { loadDigitsNode } from '../data/digitsNode';
import type { EngineEvent } from '../engine/contract';
import type { ModelFileData } from '../engine/userModels';
import { decodeOnnx } from '../onnx/decode';
import { fixture, npy, relError } from '../onnx/testkit';
import { EngineSession } from './engineSession';
import { NO_ENV } from './engineEnv';
import { inProcessProbeHost } from './modelProbe/inProcessProbe';

beforeAll(async () => {
  await useWasmBackend();
});
ort.env.wasm.numThreads = 1;

const onnxFile = (name: string, bytes = fixture(name)): ModelFileData[] => [{ name, data: bytes.slice().buffer }];

it('loads an ONNX U-Net teacher through the probe, learns its masks and distils an ONNX student; a truncated .onnx is refused', async () => {
  const events: EngineEvent[] = [];
  const s = new EngineSession((e) => events.push(e), null, { ...NO_ENV, modelProbe: () => inProcessProbeHost() });
  s.pools = loadDigitsNode();
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 64 });
  const r = await s.loadModels({ teacher: { files: onnxFile('unet-op13.onnx'), label: 'unet-op13.onnx' } });
  const stages = events.flatMap((e) => (e.type === 'modelProbe' && e.progress ? [e.progress.stage] : []));
  expect(stages).toEqual(['starting', 'reading', 'sizing', 'running', 'done']);
  expect(r.inputSize).toBe(32);
  // The engine's rule for layers models picks the tap (layer names are the ONNX value names,
  // without a leading '/'): the decoder's last map, a clean cut.
  expect(r.teacher).toMatchObject({ tapLayer: 'u1/u1.5/Relu_output_0', featureShape: [32, 32, 8], inputShape: [32, 32, 3] });
  expect(r.labelFree).toMatch(/./);
  // The tap picker's rows: every ONNX node output, the bottleneck refused (skips cross it).
  const rows = r.user.teacher!.layers;
  expect(rows.find((l) => l.name === 'd3/d3.5/Relu_output_0')).toMatchObject({ shape: [null, 8, 8, 32], stride: 4, notTap: expect.stringMatching(/./) });
  const m = await s.learnMasks(1, { numTokens: 2, steps: 2, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 });
  expect(m.step).toBe(2);

  // The built-in student is not an ONNX graph: nothing to write back.
  await expect(s.exportStudentOnnx()).rejects.toThrow(/did not come in as \.onnx/);

  const withStudent = await s.loadModels({ student: { files: onnxFile('unet-op17.onnx'), label: 'unet-op17.onnx' } });
  expect(withStudent.student).toMatchObject({ tapLayer: 'u1/u1.5/Relu_output_0', inputShape: [32, 32, 3] });
  const d = await s.distill(2, { method: 'maskd', params: { customMask: false }, steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2 });
  expect(d.step).toBe(2);

  // Export → Student (.onnx): the trained student in ONNX Runtime gives the engine's student output.
  const exp = await s.exportStudentOnnx();
  expect(exp.file).toBe('unet-op17.onnx');
  const written = decodeOnnx(new Uint8Array(exp.bytes), 'student.onnx');
  expect(written.graph.nodes.length).toBe(decodeOnnx(fixture('unet-op17.onnx'), 'unet-op17.onnx').graph.nodes.length);
  const input = npy('unet.input.npy');
  const nhwc = tf.tidy(() => tf.transpose(tf.tensor(input.data, input.shape), [0, 2, 3, 1]));
  const out = await s.studentOutput({ data: nhwc.dataSync() as Float32Array, shape: nhwc.shape });
  nhwc.dispose();
  const mine = tf.tidy(() => tf.transpose(tf.tensor(out.data, [...out.shape]), [0, 3, 1, 2]).dataSync());
  const ortOut = async (bytes: Uint8Array) => {
    const session = await ort.InferenceSession.create(bytes);
    const res = await session.run({ input: new ort.Tensor('float32', input.data, input.shape) });
    await session.release();
    return res.output.data as Float32Array;
  };
  const trained = await ortOut(new Uint8Array(exp.bytes));
  expect(relError(mine, trained)).toBeLessThan(1e-4);
  // The weights written are the trained ones, not the file's.
  expect(relError(await ortOut(fixture('unet-op17.onnx')), trained)).toBeGreaterThan(1e-3);

  const tensors = tf.memory().numTensors;
  const bytes = fixture('unet-op13.onnx');
  let error: unknown = null;
  try {
    await s.loadModels({ teacher: { files: onnxFile('cut.onnx', bytes.subarray(0, bytes.length >> 1)), label: 'cut.onnx' } });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ModelFileError);
  expect((error as Error).message).toMatch(/cut\.onnx: .*truncated/);
  expect(tf.memory().numTensors).toBe(tensors);
  s.dispose();
}, 120_000);
