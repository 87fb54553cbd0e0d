// One teacher-training run, for the digit demos and a user's dataset alike: the demo net (or the
// student alone, the no-distillation baseline) on a data source under the session's RunControl —
// Pause, Step and Stop as in the stages, a non-finite loss pauses with the step not applied, and
// progress goes out as every run's does (stage 'teacher'). A run can go in chunks: weights, Adam
// state and the step come back in with the next request (`initial`, `optimizer`, `startStep`,
// `untilStep`), and batch k is always the same scenes, so it resumes exactly.
import * as tf from '@tensorflow/tfjs';
import type { TrainTeacherRequest } from '../engine/runConfigs';
import { modelToArtifacts } from './artifacts';
import type { DataSource } from './dataSource';
import { loadOptimizerState, saveOptimizerState } from './optimizerState';
import { RunProgressSender, StepTimer, stepProgress, type RunContext } from './runLoop';
import { NonFiniteLossError, SupervisedTrainer } from './supervisedTrainer';
import { taskAdapter } from './tasks';
import type { ModelArtifactsData, NamedArray } from '../engine/artifacts';
import type { RunProgress } from '../engine/progress';

export interface TeacherRun {
  readonly artifacts: ModelArtifactsData;
  readonly optimizer: readonly NamedArray[];
  readonly step: number;
  readonly metric: number;
  readonly metricName: string;
  /** Ended before `untilStep` (or `steps`) because Stop was pressed. */
  readonly stopped: boolean;
}

/** Trains `model` (the caller keeps it) on `source` from `req.startStep` to `req.untilStep` (or `req.steps`). */
export async function runTeacher(
  ctx: Pick<RunContext, 'post' | 'control'>,
  id: number,
  req: TrainTeacherRequest,
  source: DataSource,
  model: tf.LayersModel,
): Promise<TeacherRun> {
  const { control, post } = ctx;
  const adapter = taskAdapter(source.task, source.numClasses);
  const trainer = new SupervisedTrainer(model, adapter, source, req);
  const progress = new RunProgressSender((p: RunProgress) => post({ type: 'progress', id, progress: p }));
  const timer = new StepTimer();
  const until = Math.min(req.untilStep ?? req.steps, req.steps);
  let metric = NaN;
  control.begin();
  try {
    trainer.step = req.startStep ?? 0;
    control.step = trainer.step;
    if (req.optimizer) await loadOptimizerState(trainer.optimizer, req.optimizer);
    while (trainer.step < until && (await control.gate(async () => void progress.flush()))) {
      const t0 = performance.now();
      let loss: number;
      try {
        loss = await trainer.trainStep();
      } catch (err) {
        if (!(err instanceof NonFiniteLossError)) throw err;
        post({ type: 'warning', warning: { kind: 'nan', text: err.message, step: err.step + 1 } });
        control.pause(err.message);
        continue;
      }
      timer.add(performance.now() - t0);
      control.step = trainer.step;
      const last = trainer.step === until;
      let value: RunProgress['metric'];
      if (trainer.step % req.evalEvery === 0 || last) {
        const m = await trainer.evaluate(req.valSeed, req.valCount);
        metric = m.primary;
        value = { name: adapter.metricName, value: m.primary };
      }
      progress.offer({ ...stepProgress(id, trainer.step, req.steps, { task: loss, total: loss }, timer), stage: 'teacher', metric: value }, value !== undefined || last || control.isPaused);
    }
    if (Number.isNaN(metric)) metric = (await trainer.evaluate(req.valSeed, req.valCount)).primary;
    return {
      artifacts: await modelToArtifacts(model),
      optimizer: await saveOptimizerState(trainer.optimizer),
      step: trainer.step,
      metric,
      metricName: adapter.metricName,
      stopped: trainer.step < until,
    };
  } finally {
    trainer.dispose();
  }
}
