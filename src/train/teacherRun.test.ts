// A teacher run goes through the stages' step driver: a non-finite loss skips the step, the page
// gets the last good step's progress before the warning, the warning's step and text are the
// stages' (the k-th step is step k), and the run goes on from there when resumed.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { loadDigitsNode } from '../data/digitsNode';
import type { EngineEvent } from '../engine/contract';
import type { TrainTeacherRequest } from '../engine/runConfigs';
import { disposeModel } from '../models/disposeModel';
import { buildTeacher } from '../models/nets';
import type { DataSource } from './dataSource';
import { demoSource } from './demo';
import { DeviceWatch } from './deviceWatch';
import { RunControl } from './runControl';
import { reseedKernels } from './seededInit';
import { runTeacher } from './teacherRun';

beforeAll(async () => {
  await useWasmBackend();
});

/** `source` whose batch `bad` comes back once with NaN pixels: that step's loss is NaN. */
function poisonedOnce(source: DataSource, bad: number): DataSource {
  let poisoned = false;
  return {
    ...source,
    trainBatch(seed, step, n) {
      const scenes = source.trainBatch(seed, step, n);
      if (step !== bad || poisoned) return scenes;
      poisoned = true;
      return scenes.map((s) => ({ ...s, image: new Float32Array(s.image.length).fill(NaN) }));
    },
  };
}

const until = async (ok: () => boolean) => {
  while (!ok()) await new Promise((r) => setTimeout(r, 5));
};

it('a NaN step: the last good step’s progress, then the warning numbered as the stages number it, then the pause; resumed, the run ends', async () => {
  const events: EngineEvent[] = [];
  const control = new RunControl((info) => events.push({ type: 'pauseState', info }));
  const ctx = { post: (e: EngineEvent) => events.push(e), control, device: new DeviceWatch() };
  const model = buildTeacher('segmentation', { inputShape: [16, 16, 3] });
  reseedKernels(model, 1);
  const req: TrainTeacherRequest = { task: 'segmentation', steps: 6, batchSize: 2, lr: 1e-3, seed: 1, evalEvery: 100, valCount: 2, valSeed: 7 };
  // Batch 3 is the fourth step's: steps 1-3 are good, step 4 is NaN.
  const source = poisonedOnce(demoSource(loadDigitsNode(), 'segmentation', 16), 3);
  const run = runTeacher(ctx, 1, req, source, model);
  await until(() => control.isPaused);
  // Give the loop time to reach its pause wait (the flushes of the old order came there).
  await new Promise((r) => setTimeout(r, 50));
  const warnings = events.flatMap((e, i) => (e.type === 'warning' ? [{ at: i, warning: e.warning }] : []));
  expect(warnings).toHaveLength(1);
  const { at, warning } = warnings[0];
  expect(warning).toEqual({
    kind: 'nan',
    step: 4,
    text: 'the task loss became NaN at step 4; the step was skipped and the run paused. Lower the learning rate and resume.',
  });
  // Progress is sent at most every 250 ms: steps 2 and 3 were kept back, and step 3 went out before the warning.
  const stepsBefore = events.slice(0, at).flatMap((e) => (e.type === 'progress' ? [e.progress.step] : []));
  expect(stepsBefore.at(-1)).toBe(3);
  expect(events.slice(at).some((e) => e.type === 'progress')).toBe(false);
  expect(events.slice(at).find((e) => e.type === 'pauseState')).toEqual({ type: 'pauseState', info: { paused: true, step: 3, reason: warning.text } });
  expect(control.step).toBe(3);

  control.resume();
  const result = await run;
  expect(result).toMatchObject({ step: 6, stopped: false });
  const steps = events.flatMap((e) => (e.type === 'progress' ? [e.progress.step] : []));
  expect(steps.at(-1)).toBe(6);
  // Counted like the stages: every step once, from 1, increasing.
  expect(steps.every((s, i) => s >= 1 && s <= 6 && (i === 0 || s > steps[i - 1]))).toBe(true);
  expect(result.optimizer.length).toBeGreaterThan(0);
  disposeModel(model);
  expect(tf.memory().numTensors).toBe(0);
});
