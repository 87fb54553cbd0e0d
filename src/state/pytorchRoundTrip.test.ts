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
import { beforeEach, expect, it } from 'vitest';
import { readBundleZip } from '../pytorch/bundleZip';
import { noteWhenNoTorch, torchPython } from '../pytorch/torchPython.testkit';
import { changeTask, distill, learnMasks } from './actions';
import { exportPytorch, openFile, pickedFile } from './exportActions';
import { distillFurther } from './pytorchReturn';
import { useAppStore } from './store';
import { loadUserPairOnSegValid, pageOnLocalEngine } from './pageOnLocalEngine.testkit';

const s = () => useAppStore.getState();
const { engine, saved, start } = pageOnLocalEngine('2026-12-07T00:00:00Z');

noteWhenNoTorch('pytorchRoundTrip.test.ts (page → train.py → page)');

// The page opens with the first case that runs (none where torch is missing); each case's zip is saved[0].
beforeEach(async () => {
  saved.length = 0;
  if (s().backendPhase !== 'ready') await start();
}, 60_000);

// The student alone too: its Adam state covers the student only (the align module never runs).
const TASKS = [
  ['segmentation', 'mIoU', 'maskd'],
  ['detection', 'AP@0.5', 'maskd'],
  ['segmentation', 'mIoU', 'none'],
] as const;

it.skipIf(!torchPython).each(TASKS)('%s %s %s: page → Continue in PyTorch → train.py --steps 2 → the run file it wrote opens and distils further', async (task, metric, method) => {
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

it.skipIf(!torchPython)('your layers pair on your dataset: page → zip → train.py --steps 2 → the run file installs into the loaded models and distils further', async () => {
  await loadUserPairOnSegValid();
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
