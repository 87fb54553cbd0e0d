// The whole way there and back through the store, on the real engine in this process (localEngine,
// wasm) and PyTorch: a 2-step Distill, Export → Continue in PyTorch (the page's zip), train.py
// --steps 2 from the unzipped folder, and the run file it wrote opened in the page: the curve runs
// browser 1–2 then PyTorch 3–4, the hand-over and train.py's test metric are kept, the engine's
// stage-2 state is PyTorch's step 4, and Distill further takes step 5 from it; segmentation and
// detection MasKD and the segmentation student alone; and your layers pair on a dropped dataset,
// whose file installs into the loaded models. Skipped with one line where no Python has torch.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readBundleZip } from '../pytorch/bundleZip';
import { noteWhenNoTorch, torchPython } from '../pytorch/torchPython.testkit';
import { localEngine } from '../train/localEngine';
import { makeDatasetFixtures } from '../../scripts/make-dataset-fixtures.mjs';
import { fixture } from '../byo/fixtures.testkit';
import { changeTask, connectEngine, distill, learnMasks, startApp } from './actions';
import { loadDropped } from './byoActions';
import { chooseTaskOption, loadDatasetFiles } from './datasetActions';
import { exportPytorch, openFile, pickedFile, setExportEnv } from './exportActions';
import { distillFurther } from './pytorchReturn';
import { useAppStore } from './store';

const s = () => useAppStore.getState();
const engine = localEngine();
afterAll(() => engine.terminate());

noteWhenNoTorch('pytorchRoundTrip.test.ts (page → train.py → page)');

// The student alone too: its Adam state covers the student only (the align module never runs).
const TASKS = [
  ['segmentation', 'mIoU', 'maskd'],
  ['detection', 'AP@0.5', 'maskd'],
  ['segmentation', 'mIoU', 'none'],
] as const;

it.skipIf(!torchPython).each(TASKS)('%s %s %s: page → Continue in PyTorch → train.py --steps 2 → the run file it wrote opens and distils further', async (task, metric, method) => {
  const saved: { name: string; data: Uint8Array | string }[] = [];
  connectEngine({ get: () => engine, reset: () => {}, dataUrl: '' });
  setExportEnv({ save: (name, data) => saved.push({ name, data }), png: async () => new Uint8Array(4), now: () => new Date('2026-12-07T00:00:00Z') });
  if (s().backendPhase !== 'ready') {
    useAppStore.setState({ backendChoice: 'wasm' });
    await startApp();
  }
  await changeTask(task);
  expect(s().task).toBe(task);
  s().setDistill({ method, steps: 2, batchSize: 2, evalEvery: 2, valCount: 4 });
  await distill();
  await exportPytorch();
  expect(saved.map((f) => f.name)).toEqual([`maskd-pytorch-${task}-step2.zip`]);

  const dir = mkdtempSync(join(tmpdir(), 'maskd-roundtrip-'));
  for (const [name, data] of Object.entries(readBundleZip(saved[0].data as Uint8Array))) writeFileSync(join(dir, name), data);
  const out = join(dir, 'out');
  mkdirSync(out);
  const r = spawnSync(torchPython!, [join(dir, 'train.py'), '--steps', '2', '--out', out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const name = `maskd-run-${task}-step4.json`;
  expect(readdirSync(out)).toContain(name);

  await openFile(pickedFile(name, readFileSync(join(out, name), 'utf8')));
  expect(s().messages.at(-1)?.text).toMatch(new RegExp(`Restored the run from ${name.replace(/\./g, '\\.')} .*browser to step 2, PyTorch to step 4`));
  const back = s().pytorchReturn!;
  expect(back.handover).toMatchObject({ step: 2, engine: 'pytorch', processes: 1, device: 'cpu' });
  expect(back.pytorchTo).toBe(4);
  expect(back.result).toMatchObject({ split: 'test', metric, step: 4 });
  expect(back.result!.value).toBeGreaterThanOrEqual(0);
  expect(back.installed).toEqual({ step: 4, total: 4, method });
  expect(s().losses[`distill:${method}:total`]?.points.map((p) => p.x)).toEqual([1, 2, 3, 4]);
  const state = await engine.exportState();
  expect([state.task, state.step, state.backend]).toEqual([task, 4, 'pytorch']);

  s().setDistill({ steps: 5 });
  await distillFurther();
  expect(s().losses[`distill:${method}:total`]?.points.map((p) => p.x)).toEqual([1, 2, 3, 4, 5]);
  expect((await engine.exportState()).step).toBe(5);
}, 300_000);

/** A drop of a fixture model's files on a card, as the page's DataTransfer gives them. */
async function drop(name: string): Promise<DataTransfer> {
  const files = (await fixture(name)).map((f) => new File([f.data], f.name.slice(f.name.indexOf('/') + 1)));
  return { items: [], files } as unknown as DataTransfer;
}

it.skipIf(!torchPython)('your layers pair on your dataset: page → zip → train.py --steps 2 → the run file installs into the loaded models and distils further', async () => {
  const saved: { name: string; data: Uint8Array | string }[] = [];
  connectEngine({ get: () => engine, reset: () => {}, dataUrl: '' });
  setExportEnv({ save: (name, data) => saved.push({ name, data }), png: async () => new Uint8Array(4), now: () => new Date('2026-12-07T00:00:00Z') });
  if (s().backendPhase !== 'ready') {
    useAppStore.setState({ backendChoice: 'wasm' });
    await startApp();
  }
  await chooseTaskOption('custom');
  s().setDatasetSettings({ inputSize: 32 });
  await loadDatasetFiles(makeDatasetFixtures()['seg-valid'].files.map((f) => ({ path: f.path, file: new Blob([f.data]) })));
  expect(await loadDropped(await drop('teacher-3class-32'), 'teacher')).toBe(true);
  expect(await loadDropped(await drop('student-3class-32'), 'student')).toBe(true);
  s().setMask({ numTokens: 2, steps: 2, batchSize: 2 });
  await learnMasks();
  s().setDistill({ method: 'maskd', steps: 2, batchSize: 2, evalEvery: 2, valCount: 2 });
  await distill();
  await exportPytorch();
  expect(saved.map((f) => f.name)).toEqual(['maskd-pytorch-segmentation-step2.zip']);

  const dir = mkdtempSync(join(tmpdir(), 'maskd-roundtrip-dataset-'));
  for (const [name, data] of Object.entries(readBundleZip(saved[0].data as Uint8Array))) writeFileSync(join(dir, name), data);
  const out = join(dir, 'out');
  mkdirSync(out);
  const r = spawnSync(torchPython!, [join(dir, 'train.py'), '--steps', '2', '--out', out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const name = 'maskd-run-segmentation-step4.json';
  expect(readdirSync(out)).toContain(name);

  await openFile(pickedFile(name, readFileSync(join(out, name), 'utf8')));
  expect(s().messages.at(-1)?.text).toMatch(/^Restored the run from maskd-run-segmentation-step4\.json .*browser to step 2, PyTorch to step 4/);
  expect(s().pytorchReturn).toMatchObject({ handover: { step: 2, engine: 'pytorch' }, pytorchTo: 4, installed: { step: 4, total: 4, method: 'maskd' } });
  // train.py scored the final student on the dataset's validation split (it has no test split).
  expect(s().pytorchReturn?.result).toMatchObject({ split: 'val', metric: 'mIoU', step: 4 });
  console.log(JSON.stringify({ datasetRoundTrip: s().pytorchReturn?.result }));
  expect(s().losses['distill:maskd:total']?.points.map((p) => p.x)).toEqual([1, 2, 3, 4]);
  // Installed into the user's models on the dataset: nothing was loaded in their place.
  expect(s().dataMode).toBe('custom');
  const state = await engine.exportState();
  expect([state.step, state.backend, state.inputSize, state.studentInit]).toEqual([4, 'pytorch', 32, undefined]);

  s().setDistill({ steps: 5 });
  await distillFurther();
  expect(s().losses['distill:maskd:total']?.points.map((p) => p.x)).toEqual([1, 2, 3, 4, 5]);
  expect((await engine.exportState()).step).toBe(5);
}, 300_000);
