import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { makeDatasetFixtures } from '../../scripts/make-dataset-fixtures.mjs';
import { fixture } from '../byo/fixtures.testkit';
import { loadDigitsNode } from '../data/digitsNode';
import { EngineSession } from './engineSession';
import type { UserModelFiles } from '../engine/userModels';

beforeAll(async () => {
  await useWasmBackend();
});
// The fixtures are made on cpu (scripts/make-fixtures.mjs); the runs here stay on wasm.
afterEach(() => {
  expect(tf.getBackend()).toBe('wasm');
});

const sets = makeDatasetFixtures();
const files = async (name: string): Promise<UserModelFiles> => ({ files: await fixture(name), label: name });

/** A session on the digit segmentation demo with the 3-class segmentation fixture dataset loaded at `size`. */
async function sessionWithDataset(size: number): Promise<EngineSession> {
  const s = new EngineSession(() => {});
  s.pools = loadDigitsNode();
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 64 });
  await s.loadDataset(sets['seg-valid'].files, { inputSize: size });
  return s;
}

it('a teacher and student for the dataset load on it, learn masks, distil and evaluate on its images', async () => {
  const s = await sessionWithDataset(32);
  const r = await s.loadModels({ teacher: await files('teacher-3class-32'), student: await files('student-3class-32'), data: 'custom' });
  expect(r.inputSize).toBe(32);
  expect(r.teacher).toMatchObject({ tapLayer: 'feat', featureShape: [8, 8, 32], inputShape: [32, 32, 3] });
  expect(r.student).toMatchObject({ tapLayer: 'feat', featureShape: [4, 4, 16], inputShape: [32, 32, 3] });
  expect(r.align).toBe('1×1 conv 16→32, bilinear 4×4→8×8');
  const m = await s.learnMasks(1, { numTokens: 2, steps: 2, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 });
  expect(m.step).toBe(2);
  const d = await s.distill(2, { method: 'maskd', params: { customMask: false }, steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2 });
  expect(d).toMatchObject({ step: 2, metricName: 'mIoU' });
  const e = await s.evaluate('both', 2);
  expect(e.valCount).toBe(2);
  expect(e.teacher?.name).toBe('mIoU');
  // Only a student next: the teacher already runs on the dataset and stays.
  const again = await s.loadModels({ student: await files('student-3class-32'), data: 'custom' });
  expect(again.teacher.source).toBe(r.teacher.source);
  s.dispose();
}, 120_000);

it('models that do not fit the dataset are refused by file and problem, and nothing leaks or changes', async () => {
  const s = await sessionWithDataset(16);
  const n0 = tf.memory().numTensors;
  await expect(s.loadModels({ teacher: await files('teacher-valid'), data: 'custom' })).rejects.toThrow(
    /^teacher-valid\/model\.json: takes 64×64 images and the dataset is loaded at 16×16: set the dataset card's input size to 64/,
  );
  await expect(s.loadModels({ teacher: await files('teacher-3class-32'), data: 'custom' })).rejects.toThrow(
    /^teacher-3class-32\/model\.json: takes 32×32 images and the dataset is loaded at 16×16: set the dataset card's input size to 32/,
  );
  await expect(s.loadModels({ student: await files('student-3class-32'), data: 'custom' })).rejects.toThrow(
    /the teacher in use was not made for this segmentation dataset: load your teacher with the student, or train one/,
  );
  expect(tf.memory().numTensors).toBe(n0);
  // The digit demo is still loaded and still works.
  expect((await s.learnMasks(1, { numTokens: 2, steps: 1, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 })).step).toBe(1);
  s.dispose();
}, 120_000);

it('replacing the digit demo by models on the dataset releases the demo, and reloading them leaks nothing', async () => {
  const s = await sessionWithDataset(32);
  const pair = async () => ({ teacher: await files('teacher-3class-32'), student: await files('student-3class-32'), data: 'custom' as const });
  await s.loadModels(await pair());
  const n0 = tf.memory().numTensors;
  await s.loadModels(await pair());
  expect(tf.memory().numTensors).toBe(n0);
  // Back to a digit demo (with its shipped-token-less teacher and student) and onto the dataset again.
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 64 });
  expect(tf.memory().numTensors).toBeGreaterThan(n0);
  await s.loadModels(await pair());
  expect(tf.memory().numTensors).toBe(n0);
  s.dispose();
}, 120_000);
