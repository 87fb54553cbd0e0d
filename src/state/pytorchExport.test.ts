// Export → Continue in PyTorch (.zip) through the store, on the real engine in this process
// (localEngine, wasm): before any Distill the button's rule says disabled and why, and the action
// saves nothing; after a 2-step Distill the zip holds train.py, the generated modules, run.json at
// step 2 and the state dicts, in PyTorch names.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { Checkpoint } from '../engine/checkpoint';
import { readBundleZip, sessionBundleRefusal } from '../pytorch/bundleZip';
import { noteWhenNoTorch, torchPython } from '../pytorch/torchPython.testkit';
import { readSafetensors } from '../share/safetensors';
import type { UserModelInfo } from '../engine/userModels';
import { distill, learnMasks } from './actions';
import { exportPytorch, pytorchUnavailable } from './exportActions';
import { useAppStore } from './store';
import { defaultMaskSettings } from './setupSlice';
import { loadUserPairOnSegValid, pageOnLocalEngine } from './pageOnLocalEngine.testkit';

const s = () => useAppStore.getState();
const { engine, saved, start } = pageOnLocalEngine('2026-12-01T00:00:00Z');

beforeAll(start, 60_000);

it('the engine refuses what it cannot hand over, with the reason', () => {
  const demo = { task: 'segmentation' as const, inputSize: 64, userTeacher: null, labelFree: null };
  expect(sessionBundleRefusal({ checkpoint: null, demo })).toMatch(/run Distill first/);
  const cp = { kind: 'distill', task: 'segmentation', inputSize: 64, student: [], align: [] } as unknown as Checkpoint;
  expect(sessionBundleRefusal({ checkpoint: { ...cp, kind: 'masks' } as Checkpoint, demo })).toMatch(/no stage-2 state/);
  expect(sessionBundleRefusal({ checkpoint: { ...cp, task: 'detection' } as Checkpoint, demo })).toMatch(/detection demo at 64×64, not on the one loaded now/);
  expect(sessionBundleRefusal({ checkpoint: cp, demo: { ...demo, userTeacher: { file: 'web/model.json', kind: 'graph' } } })).toBe(
    'the teacher web/model.json is a TF.js graph model: only layers models become PyTorch modules',
  );
  expect(sessionBundleRefusal({ checkpoint: cp, demo: { ...demo, labelFree: 'the dataset has images only, no labels' } })).toMatch(/teacher's own outputs \(the dataset has images only, no labels\): train\.py trains against labels only/);
  // A user's layers teacher (and any student, any labelled data) goes on.
  expect(sessionBundleRefusal({ checkpoint: cp, demo: { ...demo, userTeacher: { file: 'mine/model.json', kind: 'layers' } } })).toBeNull();
  expect(sessionBundleRefusal({ checkpoint: cp, demo })).toBeNull();
});

it('the button\'s rule: a graph teacher on its card and a label-free run are refused by name; a user\'s layers pair is not', () => {
  const base = { progress: { stage: 'distill' }, runPhase: 'idle', byo: { teacher: null, student: null }, teacher: { source: 'user:t' }, byoLabelFree: null, dataMode: 'demo', dataset: null, customTeacher: false } as unknown as Parameters<typeof pytorchUnavailable>[0];
  const user = (format: UserModelInfo['format'], role: 'teacher' | 'student') => ({ info: { role, label: `my-${role}`, format, layers: [], tap: 'feat', tapWhy: '' }, source: `user:${role[0]}` });
  expect(pytorchUnavailable(base)).toBeNull();
  expect(pytorchUnavailable({ ...base, byo: { teacher: user('graph-model', 'teacher'), student: null } })).toBe('The teacher my-teacher is a TF.js graph model: only layers models become PyTorch modules');
  // A demo reload put the built-in teacher back on the card: the graph model no longer counts.
  expect(pytorchUnavailable({ ...base, byo: { teacher: user('graph-model', 'teacher'), student: null }, teacher: { source: 'builtin:segmentation-teacher' } } as never)).toBeNull();
  expect(pytorchUnavailable({ ...base, byo: { teacher: user('layers-model', 'teacher'), student: user('layers-model', 'student') }, byoLabelFree: 'its outputs are not the labels' })).toMatch(
    /^The run learnt from the teacher's own outputs \(its outputs are not the labels\)/,
  );
  expect(pytorchUnavailable({ ...base, byo: { teacher: user('layers-model', 'teacher'), student: user('layers-model', 'student') }, dataMode: 'custom', customTeacher: true, dataset: { labelled: true } } as never)).toBeNull();
});

it('before Distill the button is disabled with why; after 2 steps the zip continues the run in PyTorch', async () => {
  expect(pytorchUnavailable(s())).toMatch(/Run Distill first/);
  await exportPytorch();
  expect(saved).toEqual([]);
  expect(s().messages.at(-1)?.text).toMatch(/Continue in PyTorch failed: Run Distill first/);
  // The engine says the same on its own.
  await expect(engine.exportPytorch()).rejects.toThrow(/no stage-2 state to hand over/);

  s().setDistill({ method: 'maskd', steps: 2, batchSize: 2, evalEvery: 2, valCount: 2 });
  await distill();
  expect(s().runPhase).toBe('idle');
  expect(pytorchUnavailable(s())).toBeNull();

  const t0 = performance.now();
  await exportPytorch();
  const exportMs = performance.now() - t0;
  expect(s().exportBusy).toBeNull();
  expect(saved.map((f) => [f.name, f.mime])).toEqual([['maskd-pytorch-segmentation-step2.zip', 'application/zip']]);
  expect(s().messages.at(-1)?.text).toMatch(/maskd at step 2 of 2/);
  const files = readBundleZip(saved[0].data as Uint8Array);
  for (const name of ['train.py', 'maskd_nn.py', 'teacher.py', 'student.py', 'align.py', 'teacher.safetensors', 'student.safetensors', 'align.safetensors', 'tokens.safetensors', 'optimizer.safetensors', 'batches.safetensors', 'scenes.py', 'digits.safetensors', 'run.json', 'README.md']) {
    expect(files[name], name).toBeDefined();
  }
  const text = (name: string) => new TextDecoder().decode(files[name]);
  expect(text('train.py')).toMatch(/def /);
  expect(text('student.py')).toMatch(/class Net\(/);
  const run = JSON.parse(text('run.json'));
  expect(run.format).toBe('maskd-playground.pytorch-run');
  expect(run.task).toBe('segmentation');
  expect(run.method.name).toBe('maskd');
  expect(run.schedule).toMatchObject({ step: 2, totalSteps: 2 });
  expect(run.seed).toBe(s().seed);
  expect(run.history.map((h: { step: number; where: string }) => [h.step, h.where])).toEqual([[1, 'browser'], [2, 'browser']]);
  console.log(JSON.stringify({ pageZip: 'segmentation maskd', exportMs: Math.round(exportMs), msPerStep: s().progress?.msPerStep, bytes: (saved[0].data as Uint8Array).byteLength }));
  // The page's own next 10 steps from a throwaway copy of the state (past the run's 2 the rate is 0).
  expect(run.check.map((h: { step: number }) => h.step)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  expect(run.check.every((h: { total: number }) => Number.isFinite(h.total) && h.total > 0)).toBe(true);
  // State dicts in PyTorch names; Adam's moments for the student's and the align module's parameters.
  const student = readSafetensors(files['student.safetensors']);
  expect(student.tensors.size).toBeGreaterThan(4);
  expect([...student.tensors.values()].some((t) => t.shape.length === 4)).toBe(true);
  const optimizer = [...readSafetensors(files['optimizer.safetensors']).tensors.keys()];
  expect(optimizer.some((k) => k.startsWith('exp_avg.student.'))).toBe(true);
  expect(optimizer.some((k) => k.startsWith('exp_avg_sq.align.'))).toBe(true);
  expect([...readSafetensors(files['tokens.safetensors']).tensors.keys()]).toContain('mask_token');
  // The shipped tokens were not learnt here: page.json's stage-1 Setup is the default one.
  expect(JSON.parse(text('page.json')).config.mask).toEqual(defaultMaskSettings('segmentation'));
}, 180_000);

noteWhenNoTorch('pytorchExport.test.ts (train.py from the page\'s zip)');

it.skipIf(!torchPython)('train.py goes on from the saved zip: steps 3 and 4, after the browser\'s 1 and 2', () => {
  expect(saved).toHaveLength(1);
  const dir = mkdtempSync(join(tmpdir(), 'maskd-pytorch-zip-'));
  for (const [name, data] of Object.entries(readBundleZip(saved[0].data as Uint8Array))) writeFileSync(join(dir, name), data);
  mkdirSync(join(dir, 'out'));
  const r = spawnSync(torchPython!, [join(dir, 'train.py'), '--steps', '2', '--json', '--out', join(dir, 'out')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; total: number });
  expect(lines.map((l) => l.step)).toEqual([3, 4]);
  expect(lines.every((l) => Number.isFinite(l.total))).toBe(true);
  // The page's next steps, retaken in PyTorch from the zip's state.
  const check = spawnSync(torchPython!, [join(dir, 'train.py'), '--check'], { encoding: 'utf8' });
  console.log(check.stdout);
  expect(check.status, check.stderr).toBe(0);
  expect(check.stdout).toMatch(/hand-over check: passed/);
}, 180_000);

const userZip: { files?: Record<string, Uint8Array> } = {};

it('your own layers pair on your dataset: the zip holds your models, the dataset\'s arrays and dataset.py', async () => {
  saved.length = 0;
  await loadUserPairOnSegValid();
  expect(s().byo.student?.info.format).toBe('layers-model');
  s().setMask({ numTokens: 2, steps: 2, batchSize: 2 });
  await learnMasks();
  s().setDistill({ method: 'maskd', steps: 3, batchSize: 2, evalEvery: 3, valCount: 2 });
  await distill();
  expect(s().progress).toMatchObject({ stage: 'distill', step: 3 });
  expect(pytorchUnavailable(s())).toBeNull();

  // The fresh student, the throwaway Distiller of the check and the bundle's models all go.
  const tensors = tf.memory().numTensors;
  await exportPytorch();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(saved.map((f) => f.name)).toEqual(['maskd-pytorch-segmentation-step3.zip']);
  const files = readBundleZip(saved[0].data as Uint8Array);
  userZip.files = files;
  const text = (name: string) => new TextDecoder().decode(files[name]);
  // The data: the dataset's arrays and its sampler, no recorded batches, no digits.
  expect(Object.keys(files).filter((n) => /batches|digits/.test(n))).toEqual([]);
  const arrays = readSafetensors(files['dataset.safetensors']).tensors;
  expect(arrays.get('train.images')?.shape).toEqual([8, 32, 32, 3]);
  expect(arrays.get('train.labels')?.shape).toEqual([8, 32, 32]);
  expect(arrays.get('val.images')?.shape).toEqual([2, 32, 32, 3]);
  expect(text('dataset.py')).toMatch(/def epoch_order/);
  // page.json's Setup holds the stage-1 settings these tokens were learnt with, not the defaults.
  const page = JSON.parse(text('page.json'));
  expect(s().mask.steps).not.toBe(defaultMaskSettings('segmentation').steps);
  expect(page.config.mask).toEqual(s().mask);
  const run = JSON.parse(text('run.json'));
  expect(run.data).toEqual({ kind: 'dataset', seed: s().seed, batch: 2, train: 8, val: 2 });
  expect(run.numClasses).toBe(3);
  // The models are the user's: their own layer names and taps (the fixtures tap 'feat').
  expect(run.tap).toEqual({ teacher: 'feat', student: 'feat' });
  expect(text('student.py')).toMatch(/self\.up\b|"up"/);
  const student = readSafetensors(files['student.safetensors']).tensors;
  expect(student.size).toBeGreaterThan(0);
  expect(run.check.map((h: { step: number }) => h.step)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
}, 180_000);

it.skipIf(!torchPython)('train.py goes on from your dataset\'s zip: steps 4 and 5, and --check agrees with the page', () => {
  expect(userZip.files).toBeDefined();
  const dir = mkdtempSync(join(tmpdir(), 'maskd-pytorch-user-'));
  for (const [name, data] of Object.entries(userZip.files!)) writeFileSync(join(dir, name), data);
  const r = spawnSync(torchPython!, [join(dir, 'train.py'), '--steps', '2', '--json', '--out', join(dir, 'out')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { step: number; total: number });
  expect(lines.map((l) => l.step)).toEqual([4, 5]);
  const page = JSON.parse(new TextDecoder().decode(userZip.files!['run.json'])).check as { total: number }[];
  const rel = lines.map((l, i) => Math.abs(l.total - page[i].total) / Math.abs(page[i].total));
  console.log(JSON.stringify({ userDatasetZip: 'train.py steps 4-5 vs the page', rel }));
  expect(Math.max(...rel)).toBeLessThan(1e-4);
  const check = spawnSync(torchPython!, [join(dir, 'train.py'), '--check'], { encoding: 'utf8' });
  console.log(check.stdout);
  expect(check.status, check.stderr).toBe(0);
  expect(check.stdout).toMatch(/hand-over check: passed/);
}, 180_000);
