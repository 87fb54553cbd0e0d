// Training a fresh teacher on a data source inside the session's run control, so Pause, Step and
// Stop work as in the stages. Progress goes out as the teacher-training 'progress' events.
import * as tf from '@tensorflow/tfjs';
import { buildTeacher } from '../models/nets';
import { modelToArtifacts } from './artifacts';
import type { DataSource } from './dataSource';
import { saveOptimizerState } from './optimizerState';
import type { EngineEvent, ModelArtifactsData, NamedArray, TrainTeacherRequest } from './protocol';
import type { RunControl } from './runControl';
import { reseedKernels } from './seededInit';
import { NonFiniteLossError, SupervisedTrainer } from './supervisedTrainer';
import { taskAdapter } from './tasks';
import { ProgressThrottle } from './throttle';

export interface TeacherRun {
  /** The trained teacher; the caller owns it. */
  readonly model: tf.LayersModel;
  readonly artifacts: ModelArtifactsData;
  readonly optimizer: readonly NamedArray[];
  readonly step: number;
  readonly metric: number;
  readonly metricName: string;
  readonly stopped: boolean;
}

export async function trainTeacherOn(
  id: number,
  source: DataSource,
  req: TrainTeacherRequest,
  control: RunControl,
  post: (event: EngineEvent) => void,
): Promise<TeacherRun> {
  const model = buildTeacher(source.task, { inputShape: source.inputShape, numClasses: source.numClasses });
  reseedKernels(model, req.seed);
  const adapter = taskAdapter(source.task, source.numClasses);
  const trainer = new SupervisedTrainer(model, adapter, source, req);
  const throttle = new ProgressThrottle(250);
  let metric = NaN;
  control.begin();
  try {
    while (trainer.step < req.steps && (await control.gate())) {
      const t0 = performance.now();
      let loss: number;
      try {
        loss = await trainer.trainStep();
      } catch (err) {
        if (!(err instanceof NonFiniteLossError)) throw err;
        post({ type: 'warning', message: err.message });
        control.pause(err.message);
        continue;
      }
      control.step = trainer.step;
      const msPerStep = performance.now() - t0;
      const base = { id, step: trainer.step, total: req.steps, loss, msPerStep, numTensors: tf.memory().numTensors };
      if (trainer.step % req.evalEvery === 0 || trainer.step === req.steps) {
        const m = await trainer.evaluate(req.valSeed, req.valCount);
        metric = m.primary;
        post({ type: 'progress', progress: { ...base, metric: { name: adapter.metricName, value: m.primary, extra: m.extra } } });
      } else if (throttle.ready() || control.isPaused) {
        post({ type: 'progress', progress: base });
      }
    }
    if (Number.isNaN(metric)) metric = (await trainer.evaluate(req.valSeed, req.valCount)).primary;
    const artifacts = await modelToArtifacts(model);
    const optimizer = await saveOptimizerState(trainer.optimizer);
    return { model, artifacts, optimizer, step: trainer.step, metric, metricName: adapter.metricName, stopped: trainer.step < req.steps };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    trainer.dispose();
  }
}
