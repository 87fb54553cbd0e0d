import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import { fileFetch, PUBLIC_URL } from './fileFetch';
import { NodeEngine } from './nodeEngine';
import type { TrainProgress } from './protocol';

const engine = new NodeEngine();
afterAll(() => engine.dispose());

it('starts wasm, loads the shipped teacher and tokens from public/ on disk, and trains a teacher chunk', async () => {
  const status = await engine.init(['wasm']);
  expect(status.backend).toBe('wasm');
  expect(status.selfCheck).toBe(true);
  expect(tf.getBackend()).toBe('wasm');
  const warnings: string[] = [];
  engine.onWarning = (m) => warnings.push(m);
  const demo = await engine.loadDemo('segmentation');
  expect(demo.teacher.source).toBe('builtin:segmentation-teacher');
  expect(demo.teacher.metric?.name).toBe('mIoU');
  expect(demo.tokens).toEqual({ numTokens: 8, channels: 64, tokenWeights: false });
  expect(demo.warnings).toEqual([]);

  const progress: TrainProgress[] = [];
  const run = await engine.trainTeacher(
    { task: 'segmentation', steps: 4, batchSize: 2, lr: 0.01, seed: 3, evalEvery: 2, valCount: 2, valSeed: 5, untilStep: 2 },
    (p) => progress.push(p),
  );
  expect(run.step).toBe(2);
  expect(run.stopped).toBe(false);
  expect(progress.at(-1)?.metric?.name).toBe('mIoU');
  expect(run.artifacts.weightData.byteLength).toBeGreaterThan(80_000);
  expect(run.optimizer.find((o) => o.name === 'iter')?.data[0]).toBe(2);
});

it('fileFetch answers file: URLs from disk, 404 for a missing file, and refuses every other scheme', async () => {
  const meta = await fileFetch(new URL('models/segmentation-teacher/meta.json', PUBLIC_URL));
  expect(meta.ok).toBe(true);
  expect(meta.headers.get('content-type')).toBe('application/json');
  expect(((await meta.json()) as { task: string }).task).toBe('segmentation');
  expect((await fileFetch(new URL('models/no-such-teacher/model.json', PUBLIC_URL))).status).toBe(404);
  await expect(fileFetch('http://127.0.0.1:1/models/segmentation-teacher/model.json')).rejects.toThrow(/file: URLs only/);
});
