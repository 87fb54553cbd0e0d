// Trains a demo network (the teacher, or the student alone as the no-distillation baseline) on the
// digit scenes: the loop behind the worker's 'trainTeacher' command for the digit demos, and the
// Node scripts' (scripts/train-teachers.ts). A run goes in chunks: weights, Adam state and the step
// come back in with the next request, and batch k is always the same scenes, so it resumes exactly.
import * as tf from '@tensorflow/tfjs';
import type { DigitPools } from '../data/digits';
import { buildStudent, buildTeacher } from '../models/nets';
import { artifactsToModel, modelToArtifacts } from './artifacts';
import { digitSource } from './dataSource';
import { PREVIEW_COUNT, PREVIEW_SEED } from './demo';
import { loadOptimizerState, saveOptimizerState } from './optimizerState';
import type { ModelArtifactsData, NamedArray, TrainProgress, TrainTeacherRequest } from './protocol';
import { reseedKernels } from './seededInit';
import { SupervisedTrainer } from './supervisedTrainer';
import { taskAdapter } from './tasks';
import { ProgressThrottle } from './throttle';

/** A fresh demo net whose kernels are drawn from `req.seed`, as every fresh model in the engine. */
function freshNet(req: TrainTeacherRequest): tf.LayersModel {
  const model = (req.model === 'student' ? buildStudent : buildTeacher)(req.task);
  reseedKernels(model, req.seed);
  return model;
}

export interface DigitTeacherRun {
  readonly artifacts: ModelArtifactsData;
  readonly optimizer: readonly NamedArray[];
  readonly step: number;
  readonly metric: number;
  readonly stopped: boolean;
}

/**
 * Runs `req` from `req.startStep` to `req.untilStep` (or `req.steps`), validating every
 * `req.evalEvery` steps and at the end. Progress goes to `onProgress` (throttled to ~4/s between
 * validations); `shouldStop` is read before each step.
 */
export async function trainDigitTeacher(
  id: number,
  pools: DigitPools,
  req: TrainTeacherRequest,
  onProgress: (progress: TrainProgress) => void,
  shouldStop: () => boolean = () => false,
): Promise<DigitTeacherRun> {
  const model = req.initial ? await artifactsToModel(req.initial) : freshNet(req);
  const adapter = taskAdapter(req.task);
  const source = digitSource(pools, req.task, {}, 64, { valSeed: req.valSeed, previewSeed: PREVIEW_SEED, previewCount: PREVIEW_COUNT });
  const trainer = new SupervisedTrainer(model, adapter, source, req);
  trainer.step = req.startStep ?? 0;
  if (req.optimizer) await loadOptimizerState(trainer.optimizer, req.optimizer);
  const until = Math.min(req.untilStep ?? req.steps, req.steps);
  const throttle = new ProgressThrottle(250);
  let metric = NaN;
  try {
    while (trainer.step < until && !shouldStop()) {
      const t0 = performance.now();
      const loss = await trainer.trainStep();
      const msPerStep = performance.now() - t0;
      const evalNow = trainer.step % req.evalEvery === 0 || trainer.step === until;
      const base = { id, step: trainer.step, total: req.steps, loss, msPerStep, numTensors: tf.memory().numTensors };
      if (evalNow) {
        const m = await trainer.evaluate(req.valSeed, req.valCount);
        metric = m.primary;
        onProgress({ ...base, metric: { name: adapter.metricName, value: m.primary, extra: m.extra } });
      } else if (throttle.ready()) {
        onProgress(base);
      }
    }
    if (Number.isNaN(metric)) metric = (await trainer.evaluate(req.valSeed, req.valCount)).primary;
    const artifacts = await modelToArtifacts(model);
    const optimizer = await saveOptimizerState(trainer.optimizer);
    return { artifacts, optimizer, step: trainer.step, metric, stopped: shouldStop() };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
