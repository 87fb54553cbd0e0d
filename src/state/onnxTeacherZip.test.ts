// Export → Continue in PyTorch (.zip) with a teacher dropped as .onnx, through the store on the real
// engine in this process (localEngine, wasm): a small 3-class segmentation net at 32×32 (written as
// torch.onnx.export names things, BatchNorm kept) teaches the built-in student on the 3-class
// seg-valid dataset. The zip's teacher.py is the module generated from the teacher's ONNX graph
// (its state dict under the initialiser names), and train.py goes on from the zip and passes
// --check against the page's own next steps. The button's rule refuses a student that came in as
// .onnx, by name.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeDatasetFixtures } from '../../scripts/make-dataset-fixtures.mjs';
import { tinyModel } from '../onnx/testkit';
import { readBundleZip } from '../pytorch/bundleZip';
import { noteWhenNoTorch, torchPython } from '../pytorch/torchPython.testkit';
import type { UserModelInfo } from '../engine/userModels';
import { readSafetensors } from '../share/safetensors';
import { localEngine } from '../train/localEngine';
import { connectEngine, distill, learnMasks, startApp } from './actions';
import { loadDropped } from './byoActions';
import { chooseTaskOption, loadDatasetFiles } from './datasetActions';
import { exportPytorch, pytorchUnavailable, setExportEnv } from './exportActions';
import { useAppStore } from './store';

const s = () => useAppStore.getState();
const engine = localEngine();
const saved: { name: string; data: Uint8Array | string; mime: string }[] = [];

beforeAll(async () => {
  connectEngine({ get: () => engine, reset: () => {}, dataUrl: '' });
  setExportEnv({ save: (name, data, mime) => saved.push({ name, data, mime }), png: async () => new Uint8Array(4), now: () => new Date('2026-12-01T00:00:00Z') });
  useAppStore.setState({ backendChoice: 'wasm' });
  await startApp();
  expect(s().demoPhase).toBe('ready');
}, 60_000);
afterAll(() => engine.terminate());
noteWhenNoTorch('onnxTeacherZip.test.ts (train.py from the zip)');

const zip: { files?: Record<string, Uint8Array> } = {};
const seq = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + k) * 0.4);

/** A small 3-class segmentation net at 32×32 written as torch.onnx.export would (names as module paths, BatchNorm kept). */
function teacherOnnx(): Uint8Array {
  return tinyModel({
    input: ['N', 3, 32, 32],
    nodes: [
      { op: 'Conv', inputs: ['x', 'conv1.weight', 'conv1.bias'], outputs: ['a'], name: '/conv1/Conv', attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['a'], outputs: ['b'], name: '/relu1/Relu' },
      { op: 'Conv', inputs: ['b', 'conv2.weight'], outputs: ['c'], name: '/conv2/Conv', attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'BatchNormalization', inputs: ['c', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var'], outputs: ['d'], name: '/bn/BatchNormalization' },
      { op: 'Relu', inputs: ['d'], outputs: ['feat'], name: '/relu2/Relu' },
      { op: 'Conv', inputs: ['feat', 'head.weight', 'head.bias'], outputs: ['logits'], name: '/head/Conv', attrs: { kernel_shape: [1, 1] } },
    ],
    outputs: ['logits'],
    inits: {
      'conv1.weight': { dims: [8, 3, 3, 3], values: seq(216, 1) }, 'conv1.bias': { dims: [8], values: seq(8, 2) },
      'conv2.weight': { dims: [8, 8, 3, 3], values: seq(576, 3) },
      'bn.weight': { dims: [8], values: seq(8, 4).map((v) => 1 + v) }, 'bn.bias': { dims: [8], values: seq(8, 5) },
      'bn.running_mean': { dims: [8], values: seq(8, 6) }, 'bn.running_var': { dims: [8], values: seq(8, 7).map((v) => 1 + v) },
      'head.weight': { dims: [3, 8, 1, 1], values: seq(24, 8) }, 'head.bias': { dims: [3], values: [0.1, 0, -0.1] },
    },
  });
}

it('an .onnx teacher goes into the zip as the module of its own graph', async () => {
  await chooseTaskOption('custom');
  s().setDatasetSettings({ inputSize: 32 });
  await loadDatasetFiles(makeDatasetFixtures()['seg-valid'].files.map((f) => ({ path: f.path, file: new Blob([f.data]) })));
  expect(s().dataset).toMatchObject({ task: 'segmentation', numClasses: 3 });
  const ok = await loadDropped({ items: [], files: [new File([teacherOnnx().slice()], 'small-seg.onnx')] } as unknown as DataTransfer, 'teacher');
  expect(ok, JSON.stringify(s().messages.at(-1))).toBe(true);
  expect(s().byo.teacher?.info.format).toBe('onnx');
  s().setMask({ numTokens: 2, steps: 2, batchSize: 2 });
  await learnMasks();
  s().setDistill({ method: 'maskd', steps: 3, batchSize: 2, evalEvery: 3, valCount: 2 });
  await distill();
  expect(s().progress).toMatchObject({ stage: 'distill', step: 3 });
  expect(pytorchUnavailable(s())).toBeNull();

  await exportPytorch();
  expect(saved.map((f) => f.name)).toEqual(['maskd-pytorch-segmentation-step3.zip']);
  const files = readBundleZip(saved[0].data as Uint8Array);
  zip.files = files;
  const text = (n: string) => new TextDecoder().decode(files[n]);
  expect(text('teacher.py')).toMatch(/^# Generated by MasKD Playground from the ONNX graph/);
  const teacher = [...readSafetensors(files['teacher.safetensors']).tensors.keys()];
  // The graph's initialiser names, BatchNorm's count beside its statistics.
  expect(teacher.sort()).toEqual(['bn.bias', 'bn.num_batches_tracked', 'bn.running_mean', 'bn.running_var', 'bn.weight', 'conv1.bias', 'conv1.weight', 'conv2.weight', 'head.bias', 'head.weight']);
  const run = JSON.parse(text('run.json')) as { tap: { teacher: string }; check: { step: number }[] };
  expect(text('teacher.py')).toContain(JSON.stringify(run.tap.teacher));
  expect(run.check.map((h) => h.step)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
}, 240_000);

it.skipIf(!torchPython)('train.py goes on from that zip (steps 4 and 5) and --check agrees with the page', () => {
  expect(zip.files).toBeDefined();
  const dir = mkdtempSync(join(tmpdir(), 'maskd-pytorch-onnx-teacher-'));
  for (const [name, data] of Object.entries(zip.files!)) writeFileSync(join(dir, name), data);
  mkdirSync(join(dir, 'out'));
  const r = spawnSync(torchPython!, [join(dir, 'train.py'), '--steps', '2', '--json', '--no-test', '--out', join(dir, 'out')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; total: number });
  expect(lines.map((l) => l.step)).toEqual([4, 5]);
  const check = spawnSync(torchPython!, [join(dir, 'train.py'), '--check'], { encoding: 'utf8' });
  console.log(check.stdout);
  expect(check.status, check.stderr).toBe(0);
  expect(check.stdout).toMatch(/hand-over check: passed/);
}, 180_000);

it('the button\'s rule: a student on its card that came in as .onnx is refused by name', () => {
  const info = (format: UserModelInfo['format']): UserModelInfo => ({ role: 'student', label: 'unet.onnx', format, layers: [], tap: 't', tapWhy: '' });
  const base = {
    progress: { stage: 'distill' }, runPhase: 'idle', byo: { teacher: null, student: { info: info('onnx'), source: 'user:s' } }, teacher: { source: 'builtin:t' },
    student: { source: 'user:s' }, byoLabelFree: null, dataMode: 'demo', dataset: null, customTeacher: false, pytorchReturn: null,
  } as unknown as Parameters<typeof pytorchUnavailable>[0];
  expect(pytorchUnavailable(base)).toMatch(/^The student unet\.onnx came in as \.onnx: .*npm run export:onnx-pytorch/);
  // A demo reload put the built-in student back on the card; a layers student goes on.
  expect(pytorchUnavailable({ ...base, student: { source: 'builtin:segmentation-student' } } as never)).toBeNull();
  expect(pytorchUnavailable({ ...base, byo: { teacher: null, student: { info: info('layers-model'), source: 'user:s' } } } as never)).toBeNull();
});
