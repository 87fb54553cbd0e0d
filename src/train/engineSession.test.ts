import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { loadDigitsNode } from '../data/digitsNode';
import { EngineSession } from './engineSession';
import type { EngineEvent } from './protocol';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('loads a tiny demo, learns masks, distills and compares, posting progress and snapshots', async () => {
  const events: EngineEvent[] = [];
  const s = new EngineSession((e) => events.push(e));
  s.pools = loadDigitsNode();
  const demo = await s.loadDemo('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
  expect(demo.teacher.featureShape).toEqual([4, 4, 64]);
  expect(demo.student.inputShape).toEqual([16, 16, 3]);
  expect(demo.warnings[0]).toMatch(/fresh, untrained teacher/);
  expect(demo.tokens).toBeNull();

  const masks = await s.learnMasks(1, { numTokens: 3, steps: 3, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: true, seed: 1 });
  expect(masks).toEqual({ step: 3, stopped: false });
  const snaps = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
  expect(snaps[0].masks).toHaveLength(4 * 4 * 4 * 3);
  expect(snaps[0].images).toHaveLength(4 * 16 * 16 * 3);
  const last = events.filter((e) => e.type === 'runProgress').at(-1);
  expect(last?.type === 'runProgress' && last.progress.step).toBe(3);

  const n0 = tf.memory().numTensors;
  const d = await s.distill(2, { method: 'maskd', params: { customMask: false }, steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2 });
  expect(d.step).toBe(2);
  expect(d.metricName).toBe('mIoU');
  expect(Number.isFinite(d.metric)).toBe(true);

  const file = await s.exportTokens({ steps: 3 });
  expect(file.tokens.shape).toEqual([3, 64]);
  expect(file.branch && Object.keys(file.branch)).toHaveLength(4);

  const rows = await s.compare(3, ['none', 'fitnet'], { steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2 });
  expect(rows.map((r) => r.method)).toEqual(['none', 'fitnet']);
  expect(events.filter((e) => e.type === 'compareRow')).toHaveLength(2);
  // The distilled student (and its best copy) stay; the compare runs leave nothing behind.
  expect(tf.memory().numTensors - n0).toBeLessThan(200);
  s.dispose();
}, 60_000);

it('pause holds the step counter; stop ends the run', async () => {
  const s = new EngineSession(() => {});
  s.pools = loadDigitsNode();
  await s.loadDemo('detection', 'http://127.0.0.1:1/', { inputSize: 16 });
  const run = s.learnMasks(1, { numTokens: 2, steps: 50, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 });
  await new Promise((r) => setTimeout(r, 200));
  s.control.pause();
  const at = s.control.step;
  await new Promise((r) => setTimeout(r, 300));
  expect(s.control.step).toBeLessThanOrEqual(at + 1);
  s.control.stop();
  const r = await run;
  expect(r.stopped).toBe(true);
  s.dispose();
}, 60_000);

it('a non-finite loss skips the step, pauses with a message naming it, and keeps the step count', async () => {
  const events: EngineEvent[] = [];
  const s = new EngineSession((e) => events.push(e));
  s.pools = loadDigitsNode();
  await s.loadDemo('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
  // An absurd learning rate blows the student's weights up until its output overflows.
  const run = s.distill(1, { method: 'fitnet', params: {}, steps: 40, batchSize: 2, lr: 1e30, seed: 1, evalEvery: 100, valCount: 2 });
  for (let i = 0; i < 200 && !s.control.isPaused; i++) await new Promise((r) => setTimeout(r, 25));
  expect(s.control.isPaused).toBe(true);
  const pause = events.find((e) => e.type === 'pauseState');
  expect(pause?.type === 'pauseState' && pause.info.reason).toMatch(/became (NaN|-?Infinity) at step \d+; the step was skipped/);
  const step = s.control.step;
  s.control.stop();
  const r = await run;
  expect(r.step).toBe(step);
  expect(r.stopped).toBe(true);
  s.dispose();
}, 60_000);
