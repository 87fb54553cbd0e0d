// Export → Continue in PyTorch (.zip) through the store, on the real engine in this process
// (localEngine, wasm): before any Distill the button's rule says disabled and why, and the action
// saves nothing; after a 2-step Distill the zip holds train.py, the generated modules, run.json at
// step 2 and the state dicts, in PyTorch names.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Checkpoint } from '../engine/checkpoint';
import { readBundleZip, sessionBundleRefusal } from '../pytorch/bundleZip';
import { noteWhenNoTorch, torchPython } from '../pytorch/torchPython.testkit';
import { readSafetensors } from '../share/safetensors';
import { localEngine } from '../train/localEngine';
import { connectEngine, distill, startApp } from './actions';
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

it('the engine refuses what it cannot hand over, with the reason', () => {
  const demo = { task: 'segmentation' as const, inputSize: 64, dataKind: 'digits', userStudent: false };
  expect(sessionBundleRefusal({ checkpoint: null, demo })).toMatch(/run Distill first/);
  const cp = { kind: 'distill', task: 'segmentation', inputSize: 64, student: [], align: [] } as unknown as Checkpoint;
  expect(sessionBundleRefusal({ checkpoint: { ...cp, kind: 'masks' } as Checkpoint, demo })).toMatch(/no stage-2 state/);
  expect(sessionBundleRefusal({ checkpoint: { ...cp, task: 'detection' } as Checkpoint, demo })).toMatch(/detection demo at 64×64, not on the one loaded now/);
  expect(sessionBundleRefusal({ checkpoint: cp, demo: { ...demo, dataKind: 'custom' } })).toMatch(/your dataset/);
  expect(sessionBundleRefusal({ checkpoint: cp, demo: { ...demo, userStudent: true } })).toMatch(/student is your model/);
  expect(sessionBundleRefusal({ checkpoint: cp, demo })).toBeNull();
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

  await exportPytorch();
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
  // State dicts in PyTorch names; Adam's moments for the student's and the align module's parameters.
  const student = readSafetensors(files['student.safetensors']);
  expect(student.tensors.size).toBeGreaterThan(4);
  expect([...student.tensors.values()].some((t) => t.shape.length === 4)).toBe(true);
  const optimizer = [...readSafetensors(files['optimizer.safetensors']).tensors.keys()];
  expect(optimizer.some((k) => k.startsWith('exp_avg.student.'))).toBe(true);
  expect(optimizer.some((k) => k.startsWith('exp_avg_sq.align.'))).toBe(true);
  expect([...readSafetensors(files['tokens.safetensors']).tensors.keys()]).toContain('mask_token');
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
}, 180_000);
