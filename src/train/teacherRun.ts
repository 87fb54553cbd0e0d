// One teacher-training run, for the digit demos and a user's dataset alike: the demo net (or the
// student alone, the no-distillation baseline) on a data source under the session's RunControl,
// stepped by the stages' driver (stepDriver.ts): Pause, Step and Stop as in the stages, a
// non-finite loss pauses with the step not applied, every read is guarded against a lost device,
// and progress goes out as every run's does (stage 'teacher'). A run can go in chunks: weights,
// Adam state and the step come back in with the next request (`initial`, `optimizer`,
// `startStep`, `untilStep`), and batch k is always the same scenes, so it resumes exactly; the
// same fields are its resume point after a lost device (runTeacherRecovering).
import * as tf from '@tensorflow/tfjs';
import type { TrainTeacherRequest } from '../engine/runConfigs';
import { disposeModel } from '../models/disposeModel';
import { artifactsToModel, modelToArtifacts } from './artifacts';
import type { DataSource } from './dataSource';
import type { DeviceRecovery } from './deviceRecovery';
import { loadOptimizerState, saveOptimizerState } from './optimizerState';
import { RunProgressSender, stepProgress, type RunContext } from './runLoop';
import { readOptimizerState } from './runState';
import { guardedStep, StepTimer } from './stepDriver';
import { SupervisedTrainer } from './supervisedTrainer';
import { taskAdapter } from './tasks';
import type { ModelArtifactsData, NamedArray } from '../engine/artifacts';
import type { RunProgress } from '../engine/progress';

/** Steps between a teacher run's resume points (a lost device redoes at most these): the stages' default checkpoint interval. */
export const TEACHER_RESUME_EVERY = 25;

/** Where a teacher run starts again after a lost device: its weights and Adam state after `step`. */
export interface TeacherResume {
  readonly step: number;
  readonly initial: ModelArtifactsData;
  readonly optimizer: readonly NamedArray[];
}

export interface TeacherRun {
  readonly artifacts: ModelArtifactsData;
  readonly optimizer: readonly NamedArray[];
  readonly step: number;
  readonly metric: number;
  readonly metricName: string;
  /** Ended before `untilStep` (or `steps`) because Stop was pressed. */
  readonly stopped: boolean;
}

/**
 * Trains `model` (the caller keeps it) on `source` from `req.startStep` to `req.untilStep` (or
 * `req.steps`). With `onResume`, a resume point goes to it every TEACHER_RESUME_EVERY steps and at
 * each pause.
 */
export async function runTeacher(
  ctx: Pick<RunContext, 'post' | 'control' | 'device'>,
  id: number,
  req: TrainTeacherRequest,
  source: DataSource,
  model: tf.LayersModel,
  onResume?: (resume: TeacherResume) => void,
): Promise<TeacherRun> {
  const { control, post, device } = ctx;
  const adapter = taskAdapter(source.task, source.numClasses);
  const trainer = new SupervisedTrainer(model, adapter, source, req);
  const progress = new RunProgressSender((p: RunProgress) => post({ type: 'progress', id, progress: p }));
  const timer = new StepTimer();
  const until = Math.min(req.untilStep ?? req.steps, req.steps);
  let metric = NaN;
  let resumeStep = req.startStep ?? 0;
  const takeResume = async () => {
    if (!onResume || trainer.step === resumeStep) return;
    resumeStep = trainer.step;
    // Mid-run: readOptimizerState leaves Adam's own moment variables alone (saveOptimizerState frees them).
    const [initial, optimizer] = await device.guard(Promise.all([modelToArtifacts(model), readOptimizerState(trainer.optimizer)]));
    onResume({ step: resumeStep, initial, optimizer });
  };
  // Before waiting on a pause: the page gets the step it paused at, then the resume point is taken.
  const onPause = async () => {
    progress.flush();
    await takeResume();
  };
  control.begin();
  try {
    trainer.step = req.startStep ?? 0;
    control.step = trainer.step;
    if (req.optimizer) await loadOptimizerState(trainer.optimizer, req.optimizer);
    while (trainer.step < until && (await control.gate(onPause))) {
      const report = await guardedStep(ctx, trainer, timer, progress);
      if (!report) continue;
      const last = report.step === until;
      let value: RunProgress['metric'];
      if (report.step % req.evalEvery === 0 || last) {
        const m = await device.guard(trainer.evaluate(req.valSeed, req.valCount));
        metric = m.primary;
        value = { name: adapter.metricName, value: m.primary };
      }
      progress.offer({ ...stepProgress(id, report.step, req.steps, report.losses, timer), stage: 'teacher', metric: value }, value !== undefined || last || control.isPaused);
      if (report.step % TEACHER_RESUME_EVERY === 0) await takeResume();
    }
    if (Number.isNaN(metric)) metric = (await device.guard(trainer.evaluate(req.valSeed, req.valCount))).primary;
    return {
      artifacts: await device.guard(modelToArtifacts(model)),
      optimizer: await device.guard(saveOptimizerState(trainer.optimizer)),
      step: trainer.step,
      metric,
      metricName: adapter.metricName,
      stopped: trainer.step < until,
    };
  } finally {
    trainer.dispose();
  }
}

/**
 * A teacher run that survives a lost GPU device as the stages do: `recovery` moves the engine to
 * the next backend and the run starts again from its latest resume point, on a net rebuilt there
 * from it (`build` makes the first attempt's net). The caller keeps the trained net.
 */
export async function runTeacherRecovering(
  ctx: Pick<RunContext, 'post' | 'control' | 'device'>,
  recovery: Pick<DeviceRecovery, 'runFrom'>,
  id: number,
  req: TrainTeacherRequest,
  source: DataSource,
  build: () => Promise<tf.LayersModel>,
): Promise<{ run: TeacherRun; model: tf.LayersModel }> {
  let latest: TeacherResume | undefined;
  return recovery.runFrom(undefined, () => latest, async (from) => {
    const model = from ? await artifactsToModel(from.initial) : await build();
    const attempt = from ? { ...req, startStep: from.step, optimizer: from.optimizer } : req;
    try {
      return { run: await runTeacher(ctx, id, attempt, source, model, (r) => (latest = r)), model };
    } catch (err) {
      disposeModel(model);
      throw err;
    }
  });
}
