import * as tf from '@tensorflow/tfjs';
import { afterAll, expect, it } from 'vitest';
import type { RunProgress } from '../engine/progress';
import type { EngineWarning } from '../engine/warnings';
import { fileFetch, PUBLIC_URL } from './fileFetch';
import { localEngine } from './localEngine';

const engine = localEngine();
afterAll(() => engine.terminate());

it('starts wasm, loads the shipped teacher and tokens from public/ on disk, and trains a teacher chunk', async () => {
  const status = await engine.init('', ['wasm']);
  expect(status.backend).toBe('wasm');
  expect(status.selfCheck).toBe(true);
  expect(tf.getBackend()).toBe('wasm');
  const warnings: EngineWarning[] = [];
  engine.onWarning = (w) => warnings.push(w);
  const demo = await engine.loadDemo('segmentation');
  expect(demo.teacher.source).toBe('builtin:segmentation-teacher');
  expect(demo.teacher.metric?.name).toBe('mIoU');
  expect(demo.tokens).toEqual({ numTokens: 8, channels: 64, tokenWeights: false });
  expect(demo.warnings).toEqual([]);
  // The masks of the shipped tokens come with the demo: [P, h, w, T].
  expect(demo.snapshot?.numTokens).toBe(8);
  expect(demo.snapshot?.masks.length).toBe(demo.snapshot!.previews * demo.snapshot!.maskSize[0] * demo.snapshot!.maskSize[1] * 8);

  const progress: RunProgress[] = [];
  const run = await engine.trainTeacher(
    { task: 'segmentation', steps: 4, batchSize: 2, lr: 0.01, seed: 3, evalEvery: 2, valCount: 2, valSeed: 5, untilStep: 2 },
    { onProgress: (p) => progress.push(p) },
  );
  expect(run.step).toBe(2);
  expect(run.stopped).toBe(false);
  expect(progress.at(-1)).toMatchObject({ stage: 'teacher', step: 2, total: 4, metric: { name: 'mIoU' } });
  expect(Number.isFinite(progress.at(-1)?.losses.task)).toBe(true);
  expect(run.artifacts.weightData.byteLength).toBeGreaterThan(80_000);
  expect(run.optimizer.find((o) => o.name === 'iter')?.data[0]).toBe(2);
  expect(warnings).toEqual([]);
});

it('fileFetch answers file: URLs from disk, 404 for a missing file, and refuses every other scheme', async () => {
  const meta = await fileFetch(new URL('models/segmentation-teacher/meta.json', PUBLIC_URL));
  expect(meta.ok).toBe(true);
  expect(meta.headers.get('content-type')).toBe('application/json');
  expect(((await meta.json()) as { task: string }).task).toBe('segmentation');
  expect((await fileFetch(new URL('models/no-such-teacher/model.json', PUBLIC_URL))).status).toBe(404);
  await expect(fileFetch('http://127.0.0.1:1/models/segmentation-teacher/model.json')).rejects.toThrow(/file: URLs only/);
});
