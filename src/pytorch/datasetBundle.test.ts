// A detection run on a dropped dataset, handed over from the engine: the session trains a teacher
// on the fixture boxes (32 px, 2 classes), learns tokens with the weight branch and distils with
// MasKD, paused mid-run (about step 3 of 12); its exportPytorch zip holds the dataset's boxes, and train.py --check (the
// page's next 10 steps, drawn by dataset.py with CenterNet's targets) agrees with the engine on
// 1 process and on 2 under torchrun, each rank drawing its half of every global batch.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDatasetFixtures } from '../../scripts/make-dataset-fixtures.mjs';
import { loadDigitsNode } from '../data/digitsNode';
import { readSafetensors } from '../share/safetensors';
import { EngineSession } from '../train/engineSession';
import { fileFetch, PUBLIC_URL } from '../train/fileFetch';
import { readBundleZip } from './bundleZip';
import { noteWhenNoTorch, torchPython, torchrunTwo } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('datasetBundle.test.ts (train.py --check on a detection dataset)');

const session = new EngineSession(() => {});
let files: Record<string, Uint8Array> = {};
let distilling: Promise<unknown> = Promise.resolve();

beforeAll(async () => {
  session.pools = loadDigitsNode();
  session.fetchFunc = fileFetch;
  await session.loadDemoAt('detection', PUBLIC_URL);
  await session.loadDataset(makeDatasetFixtures()['det-valid'].files, { inputSize: 32 });
  await session.trainTeacher(1, { task: 'detection', source: 'custom', steps: 2, batchSize: 4, lr: 0.01, seed: 3, evalEvery: 2, valCount: 2, valSeed: 1 });
  await session.learnMasks(2, { numTokens: 3, steps: 2, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: true, seed: 3 });
  // Distill 12 steps, paused after the 3rd or so: the hand-over is mid-run (the rate is not 0 yet).
  distilling = session.distill(3, { method: 'maskd', params: { customMask: false }, steps: 12, batchSize: 4, lr: 3e-3, seed: 5, evalEvery: 12, valCount: 2, testCount: 2 });
  await until(() => session.runState().step >= 3);
  session.pause();
  await until(() => session.checkpoints.last?.reason === 'pause');
}, 180_000);
afterAll(async () => {
  session.stop();
  await distilling;
  session.dispose();
});

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 2));
}

it('the zip holds the dataset\'s boxes and the page\'s next 10 steps', async () => {
  const exp = await session.exportPytorch();
  expect(exp).toMatchObject({ task: 'detection', method: 'maskd', total: 12 });
  expect(exp.step).toBeGreaterThanOrEqual(3);
  expect(exp.step).toBeLessThan(12);
  files = readBundleZip(new Uint8Array(exp.bytes));
  const arrays = readSafetensors(files['dataset.safetensors']).tensors;
  expect(arrays.get('train.images')?.shape).toEqual([8, 32, 32, 3]);
  const starts = arrays.get('train.box_start')!;
  expect(starts.shape).toEqual([9]);
  expect(arrays.get('train.boxes')?.shape).toEqual([(starts.data as Int32Array)[8], 4]);
  const run = JSON.parse(new TextDecoder().decode(files['run.json']));
  expect(run).toMatchObject({ task: 'detection', numClasses: 2, data: { kind: 'dataset', seed: 5, batch: 4, train: 8, val: 2 } });
  expect(run.check.map((h: { step: number }) => h.step)).toEqual(Array.from({ length: 10 }, (_, i) => exp.step + 1 + i));
  expect(readSafetensors(files['optimizer.safetensors']).tensors.size).toBeGreaterThan(1);
  expect([...readSafetensors(files['tokens.safetensors']).tensors.keys()]).toContain('prob.0.weight');
}, 120_000);

describe.skipIf(!torchPython)('train.py --check on the dataset zip', () => {
  it('1 process and 2 under torchrun retake the page\'s steps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pt-det-dataset-'));
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
    const env = { ...process.env, OMP_NUM_THREADS: '1' };
    const one = spawnSync(torchPython!, [join(dir, 'train.py'), '--check'], { encoding: 'utf8', env });
    console.log(one.stdout);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/hand-over check: passed/);
    // --redirects 1 --tee 1: torch 1.13's torchrun on Python 3.11 (docs/pytorch.md).
    const two = spawnSync(torchPython!, [...torchrunTwo(), '--redirects', '1', '--tee', '1', join(dir, 'train.py'), '--check'], { encoding: 'utf8', env });
    console.log(two.stdout.split('\n').filter((l) => /^\[default0\]:\s+\d+ /.test(l)).join('\n'));
    expect(two.status, two.stderr.slice(-2000)).toBe(0);
    expect(two.stdout).toMatch(/hand-over check: passed/);
  }, 180_000);
});
