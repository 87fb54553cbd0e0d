// Export → Student (.onnx) through the store, on the real engine in this process (localEngine, wasm):
// the button's rule (only a student that came in as .onnx; otherwise disabled with the reason), and
// a dropped ONNX student, distilled through the page's actions, saved as .onnx holding the trained
// weights in the student's own graph.
import * as ort from 'onnxruntime-web';
import { beforeAll, expect, it } from 'vitest';
import type { UserModelInfo } from '../engine/userModels';
import { decodeOnnx } from '../onnx/decode';
import { fixture, npy, relError } from '../onnx/testkit';
import { distill, learnMasks } from './actions';
import { loadDropped } from './byoActions';
import { exportStudentOnnx, onnxStudentUnavailable } from './exportActions';
import { useAppStore } from './store';
import { pageOnLocalEngine } from './pageOnLocalEngine.testkit';

const s = () => useAppStore.getState();
const { saved, start } = pageOnLocalEngine('2026-12-01T00:00:00Z');
ort.env.wasm.numThreads = 1;

beforeAll(async () => {
  await start();
  expect(s().backendStatus?.backend).toBe('wasm');
}, 60_000);

/** A drop of one file on a card, as the page's DataTransfer gives it (no directory entries). */
const drop = (name: string) => ({ items: [], files: [new File([fixture(name).slice()], name)] }) as unknown as DataTransfer;

const info = (format: UserModelInfo['format']): UserModelInfo => ({ role: 'student', label: 'x', format, layers: [], tap: 't', tapWhy: '' });

it('the rule: enabled only for a student that came in as .onnx and is still the student', () => {
  const student = { ...s().student!, source: 'user:a' };
  expect(onnxStudentUnavailable({ byo: { teacher: null, student: null }, student })).toMatch(/built-in one: load an \.onnx student/);
  expect(onnxStudentUnavailable({ byo: { teacher: null, student: { info: info('layers-model'), source: 'user:a' } }, student })).toMatch(/came in as a TF\.js layers-model, not as \.onnx/);
  // A demo reload replaced the card: the ONNX model is no longer the student.
  expect(onnxStudentUnavailable({ byo: { teacher: null, student: { info: info('onnx'), source: 'user:a' } }, student: { ...student, source: 'builtin:segmentation-student' } })).toMatch(/built-in/);
  expect(onnxStudentUnavailable({ byo: { teacher: null, student: { info: info('onnx'), source: 'user:a' } }, student })).toBeNull();
});

it('a dropped ONNX student, distilled on the page, is saved as .onnx with its trained weights', async () => {
  // The built-in student: the export says why and saves nothing.
  expect(onnxStudentUnavailable(s())).toMatch(/built-in/);
  await exportStudentOnnx();
  expect(saved).toEqual([]);
  expect(s().messages.at(-1)?.text).toMatch(/Export student \(ONNX\) failed: The student is a built-in one/);

  expect(await loadDropped(drop('unet-op13.onnx'), 'teacher')).toBe(true);
  expect(s().byo.teacher?.info.format).toBe('onnx');
  s().setMask({ numTokens: 2, steps: 2, batchSize: 2 });
  await learnMasks();
  expect(s().masksTrained).toBe(true);
  expect(await loadDropped(drop('unet-op17.onnx'), 'student')).toBe(true);
  expect(s().byo.student?.info.format).toBe('onnx');
  expect(onnxStudentUnavailable(s())).toBeNull();
  s().setDistill({ steps: 2, batchSize: 2, evalEvery: 2, valCount: 2 });
  await distill();
  expect(s().runPhase).toBe('idle');

  await exportStudentOnnx();
  expect(s().exportBusy).toBeNull();
  expect(saved.map((f) => [f.name, f.mime])).toEqual([['maskd-student-segmentation-unet-op17.onnx', 'application/octet-stream']]);
  const bytes = saved[0].data as Uint8Array;
  const original = fixture('unet-op17.onnx');
  expect(decodeOnnx(bytes, 'student.onnx').graph.nodes.map((n) => n.opType)).toEqual(decodeOnnx(original, 'unet-op17.onnx').graph.nodes.map((n) => n.opType));
  // ONNX Runtime runs it, and its output moved from the file's: the weights are the trained ones.
  const input = npy('unet.input.npy');
  const run = async (model: Uint8Array) => {
    const session = await ort.InferenceSession.create(model);
    const out = (await session.run({ input: new ort.Tensor('float32', input.data, input.shape) })).output.data as Float32Array;
    await session.release();
    return out;
  };
  const trained = await run(bytes);
  expect(trained.every(Number.isFinite)).toBe(true);
  expect(relError(await run(original), trained)).toBeGreaterThan(1e-3);
}, 120_000);
