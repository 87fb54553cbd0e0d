import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { loadDigitsNode } from '../data/digitsNode';
import { EngineSession, VAL_SEED } from './engineSession';
import { DIGIT_LABELS, tokenReport } from './tokenReport';
import { DEFAULT_TEST_COUNT } from './distillRun';
import { taskAdapter } from './tasks';
import type { EngineEvent } from '../engine/contract';

beforeAll(async () => {
  await useWasmBackend();
});

it('loads a tiny demo, learns masks, distills and compares, posting progress and snapshots', async () => {
  const events: EngineEvent[] = [];
  const s = new EngineSession((e) => events.push(e));
  s.pools = loadDigitsNode();
  const demo = await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
  expect(demo.teacher.featureShape).toEqual([4, 4, 64]);
  expect(demo.student.inputShape).toEqual([16, 16, 3]);
  expect(demo.warnings[0]).toMatchObject({ kind: 'untrained-teacher', text: expect.stringMatching(/fresh, untrained teacher/) });
  expect(demo.tokens).toBeNull();

  const masks = await s.learnMasks(1, { numTokens: 3, steps: 3, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: true, seed: 1 });
  expect(masks).toEqual({ step: 3, stopped: false });
  const snaps = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
  expect(snaps[0].masks).toHaveLength(4 * 4 * 4 * 3);
  expect(snaps[0].images).toHaveLength(4 * 16 * 16 * 3);
  const last = events.filter((e) => e.type === 'progress').at(-1);
  expect(last?.type === 'progress' && last.progress.step).toBe(3);
  // What each learnt token attends to over validation scenes (never test ones: the report chooses
  // recipes and tokens); with the branch, each token's mean weight; measuring leaves no tensor behind.
  const beforeReport = tf.memory().numTensors;
  const report = await s.tokenReport(8);
  expect(report).toMatchObject({ numTokens: 3, scenes: 8, split: 'val' });
  expect(report.labels).toEqual(['background', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  expect(report.perClass.every((row) => row.length === 11)).toBe(true);
  expect(tf.memory().numTensors).toBe(beforeReport);
  const measured = s['requireDemo']();
  const reportOnVal = await tokenReport(measured.teacherSplit.backbone, measured.tokens!, measured.source.valSet(8, VAL_SEED), 'val', DIGIT_LABELS, 16, measured.branch);
  expect(report).toEqual(reportOnVal);
  const onTestScenes = await tokenReport(measured.teacherSplit.backbone, measured.tokens!, measured.source.testSet(8), 'val', DIGIT_LABELS, 16, measured.branch);
  expect(report.area).not.toEqual(onTestScenes.area);
  expect(report.weights).toHaveLength(3);
  expect(report.weights!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  expect(report.effectiveTokens).toBeGreaterThanOrEqual(1);
  expect(report.effectiveTokens).toBeLessThanOrEqual(3);

  const n0 = tf.memory().numTensors;
  const d = await s.distill(2, { method: 'maskd', params: { customMask: false }, steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2 });
  expect(d.step).toBe(2);
  expect(d.metricName).toBe('mIoU');
  expect(Number.isFinite(d.metric)).toBe(true);
  // d.metric is the distilled student as the run left it, scored on the test scenes (not the validation ones).
  const kept = s['requireDemo']();
  const onTest = await taskAdapter('segmentation').evaluate((x) => kept.student.predict(x) as tf.Tensor4D, kept.source.testSet(DEFAULT_TEST_COUNT), 8);
  expect(d.metric).toBeCloseTo(onTest.primary, 6);
  const onVal = await taskAdapter('segmentation').evaluate((x) => kept.student.predict(x) as tf.Tensor4D, kept.source.valSet(2), 8);
  expect(onVal.primary).not.toBeCloseTo(onTest.primary, 6);

  const file = await s.exportTokens({ steps: 3 });
  expect(file.tokens.shape).toEqual([3, 64]);
  expect(file.branch && Object.keys(file.branch)).toHaveLength(4);

  const rows = await s.compare(3, ['none', 'fitnet'], { steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 2, testCount: 6 });
  expect(rows.map((r) => r.method)).toEqual(['none', 'fitnet']);
  // Reported: the final student on the test scenes; the best-on-validation one beside it, with its step.
  for (const r of rows) {
    expect(r.scored).toEqual({ split: 'test', scenes: 6 });
    expect(r.bestVal?.step).toBe(2);
  }
  expect(events.filter((e) => e.type === 'compareRow')).toHaveLength(2);
  // The distilled student (and its best copy) stay; the compare runs leave nothing behind.
  expect(tf.memory().numTensors - n0).toBeLessThan(200);
  s.dispose();
}, 60_000);

it('pause holds the step counter; stop ends the run', async () => {
  const s = new EngineSession(() => {});
  s.pools = loadDigitsNode();
  await s.loadDemoAt('detection', 'http://127.0.0.1:1/', { inputSize: 16 });
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
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
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

it('a NaN pause reaches the page after the last good step: the step kept back by the 250 ms throttle goes first', async () => {
  const events: EngineEvent[] = [];
  const s = new EngineSession((e) => events.push(e));
  s.pools = loadDigitsNode();
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
  const run = s.learnMasks(1, { numTokens: 2, steps: 400, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 });
  for (let i = 0; i < 400 && s.control.step < 6; i++) await new Promise((r) => setTimeout(r, 5));
  s.debugInjectNonFinite();
  for (let i = 0; i < 400 && !s.control.isPaused; i++) await new Promise((r) => setTimeout(r, 5));
  expect(s.control.isPaused).toBe(true);
  const pause = events.findIndex((e) => e.type === 'pauseState' && e.info.paused);
  const before = events.slice(0, pause).filter((e) => e.type === 'progress');
  expect(before.at(-1)?.type === 'progress' && before.at(-1)?.progress.step).toBe(s.control.step);
  expect(s.runState()).toEqual({ running: true, paused: true, step: s.control.step });
  s.control.stop();
  await run;
  expect(s.runState()).toMatchObject({ running: false });
  s.dispose();
}, 60_000);

it('custom dataset: a failed load keeps the loaded one; a teacher trains on it and becomes the session’s; stages run on it', async () => {
  const { makeDatasetFixtures } = await import('../../scripts/make-dataset-fixtures.mjs');
  const sets = makeDatasetFixtures();
  const events: EngineEvent[] = [];
  const s = new EngineSession((e) => events.push(e));
  const summary = await s.loadDataset(sets['seg-valid'].files, { inputSize: 16 });
  expect(summary).toMatchObject({ task: 'segmentation', numClasses: 3, train: 8, val: 2, inputSize: 16, files: 20 });
  expect(summary.previews).toHaveLength(4);
  expect(summary.previews[0].image).toHaveLength(16 * 16 * 3);
  expect(summary.previews[0].labels).toHaveLength(16 * 16);
  const before = s.customData;
  await expect(s.loadDataset(sets['seg-rgb-label'].files, { inputSize: 16 })).rejects.toThrow(/labels\/img02\.png: is a colour \(RGB\) label map/);
  expect(s.customData).toBe(before);

  const n0 = tf.memory().numTensors;
  const req = { task: 'segmentation' as const, steps: 3, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 64, valSeed: 1, source: 'custom' as const };
  const done = await s.trainTeacher(5, req);
  expect(done.step).toBe(3);
  expect(done.stopped).toBe(false);
  expect(done.metric).toBeGreaterThanOrEqual(0);
  expect(done.loaded?.teacher.inputShape).toEqual([16, 16, 3]);
  expect(done.loaded?.teacher.source).toMatch(/^dataset:segmentation-teacher · sha256:[0-9a-f]{64}$/);
  const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
  expect(progress.at(-1)?.step).toBe(3);
  expect(progress.every((p) => p.stage === 'teacher' && Number.isFinite(p.losses.task))).toBe(true);
  expect(progress.find((p) => p.metric)?.metric?.name).toBe('mIoU');
  // The teacher and a fresh student stay; the trainer left nothing else behind.
  const held = tf.memory().numTensors - n0;
  expect(held).toBeGreaterThan(0);
  // Flat over steps: every step reports the same tensor count (validation every step here).
  const counts: number[] = [];
  const teacherSession = new EngineSession((e) => e.type === 'progress' && counts.push(e.progress.numTensors));
  await teacherSession.loadDataset(sets['seg-valid'].files, { inputSize: 16 });
  await teacherSession.trainTeacher(1, { ...req, steps: 4, evalEvery: 1 });
  expect(counts).toHaveLength(4);
  expect(new Set(counts.slice(1)).size).toBe(1);
  teacherSession.dispose();

  const masks = await s.learnMasks(6, { numTokens: 2, steps: 2, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 });
  expect(masks.step).toBe(2);
  const snap = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : [])).at(-1)!;
  expect(snap.imageSize).toEqual([16, 16]);
  expect(snap.images.slice(0, 16 * 16 * 3)).toEqual(summary.previews[0].image);
  const d = await s.distill(7, { method: 'maskd', params: { customMask: false }, steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 64 });
  expect(d.metricName).toBe('mIoU');
  expect(Number.isFinite(d.metric)).toBe(true);
  s.dispose();
}, 120_000);

it('custom detection teacher: classes from the JSON size the head', async () => {
  const { makeDatasetFixtures } = await import('../../scripts/make-dataset-fixtures.mjs');
  const s = new EngineSession(() => {});
  const summary = await s.loadDataset(makeDatasetFixtures()['det-valid'].files, { inputSize: 16 });
  expect(summary).toMatchObject({ task: 'detection', numClasses: 2, classNames: ['square', 'disc'] });
  expect(summary.previews[0].labels).toBeNull();
  const done = await s.trainTeacher(1, { task: 'segmentation', steps: 2, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 2, valCount: 8, valSeed: 1, source: 'custom' });
  expect(done.loaded?.teacher.source).toMatch(/^dataset:detection-teacher · sha256:[0-9a-f]{64}$/);
  const d = await s.distill(2, { method: 'fitnet', params: {}, steps: 1, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 1, valCount: 8 });
  expect(d.metricName).toBe('AP@0.5');
  s.dispose();
}, 120_000);

it('training a dataset teacher without a dataset says what to do', async () => {
  const s = new EngineSession(() => {});
  await expect(
    s.trainTeacher(1, { task: 'segmentation', steps: 1, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 1, valCount: 1, valSeed: 1, source: 'custom' }),
  ).rejects.toThrow(/no dataset is loaded: drop a dataset folder first/);
});

it('dataset teacher training obeys pause and stop (the run bar’s controls)', async () => {
  const { makeDatasetFixtures } = await import('../../scripts/make-dataset-fixtures.mjs');
  const s = new EngineSession(() => {});
  await s.loadDataset(makeDatasetFixtures()['seg-valid'].files, { inputSize: 16 });
  const run = s.trainTeacher(1, { task: 'segmentation', steps: 200, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 1000, valCount: 2, valSeed: 1, source: 'custom' });
  for (let i = 0; i < 400 && s.control.step < 1; i++) await new Promise((r) => setTimeout(r, 10));
  s.control.pause();
  await new Promise((r) => setTimeout(r, 300));
  const at = s.control.step;
  await new Promise((r) => setTimeout(r, 400));
  expect(s.control.step).toBe(at);
  s.control.stepOnce();
  for (let i = 0; i < 200 && s.control.step === at; i++) await new Promise((r) => setTimeout(r, 10));
  expect(s.control.step).toBe(at + 1);
  s.control.stop();
  const done = await run;
  expect(done.stopped).toBe(true);
  expect(done.step).toBe(at + 1);
  expect(done.loaded?.teacher.source).toMatch(/^dataset:segmentation-teacher · sha256:[0-9a-f]{64}$/);
  s.dispose();
}, 60_000);
