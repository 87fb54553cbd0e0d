// The training worker: owns TensorFlow.js, the models and the loops. The page talks to it only
// through the messages in protocol.ts.
import * as tf from '@tensorflow/tfjs';
import { loadDigits } from '../data/digits';
import { buildTeacher } from '../models/nets';
import { artifactsToModel, modelToArtifacts } from './artifacts';
import { initBackend } from './backend';
import type { EngineCommand, EngineEvent, TrainTeacherRequest } from './protocol';
import { loadOptimizerState, saveOptimizerState } from './optimizerState';
import { SupervisedTrainer } from './supervisedTrainer';
import { taskAdapter } from './tasks';
import { ProgressThrottle } from './throttle';
import { EngineSession } from './engineSession';

let stopRequested = false;

function post(event: EngineEvent, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(event, transfer);
}

const session = new EngineSession(post);
/** The request id of the stage run in progress (one at a time). */
let running: number | null = null;
let initChain: Promise<void> = Promise.resolve();

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs a stage request, one at a time, answering with its done event or an error. */
async function runExclusive(id: number, what: string, body: () => Promise<EngineEvent>): Promise<void> {
  if (running !== null) {
    post({ type: 'error', id, message: `cannot start ${what}: another run (request ${running}) is in progress; stop it first` });
    return;
  }
  running = id;
  try {
    post(await body());
  } catch (err) {
    post({ type: 'error', id, message: errorMessage(err) });
  } finally {
    running = null;
  }
}

async function trainTeacher(id: number, req: TrainTeacherRequest): Promise<void> {
  const pools = session.pools;
  if (!pools) throw new Error('the engine has no data yet: send init first');
  stopRequested = false;
  const model = req.initial ? await artifactsToModel(req.initial) : buildTeacher(req.task);
  const adapter = taskAdapter(req.task);
  const trainer = new SupervisedTrainer(model, adapter, pools.train, req);
  trainer.step = req.startStep ?? 0;
  if (req.optimizer) await loadOptimizerState(trainer.optimizer, req.optimizer);
  const until = Math.min(req.untilStep ?? req.steps, req.steps);
  const throttle = new ProgressThrottle(250);
  let metric = NaN;
  try {
    while (trainer.step < until && !stopRequested) {
      const t0 = performance.now();
      const loss = await trainer.trainStep();
      const msPerStep = performance.now() - t0;
      const evalNow = trainer.step % req.evalEvery === 0 || trainer.step === until;
      const base = { id, step: trainer.step, total: req.steps, loss, msPerStep, numTensors: tf.memory().numTensors };
      if (evalNow) {
        const m = await trainer.evaluate(pools.val, req.valSeed, req.valCount);
        metric = m.primary;
        post({ type: 'progress', progress: { ...base, metric: { name: adapter.metricName, value: m.primary, extra: m.extra } } });
      } else if (throttle.ready()) {
        post({ type: 'progress', progress: base });
      }
    }
    if (Number.isNaN(metric)) metric = (await trainer.evaluate(pools.val, req.valSeed, req.valCount)).primary;
    const artifacts = await modelToArtifacts(model);
    const optimizer = await saveOptimizerState(trainer.optimizer);
    post(
      { type: 'teacherDone', id, artifacts, optimizer, step: trainer.step, metric, stopped: stopRequested },
      [artifacts.weightData, ...optimizer.map((o) => o.data.buffer as ArrayBuffer)],
    );
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

async function handle(cmd: EngineCommand): Promise<void> {
  switch (cmd.type) {
    case 'init': {
      // Inits run one after another (two at once would race in tf.setBackend); each gets its reply.
      const run = initChain.then(async () => {
        const status = await initBackend(cmd.backends);
        session.pools = await loadDigits(cmd.dataUrl);
        post({ type: 'ready', status });
      });
      initChain = run.catch(() => {});
      return run;
    }
    case 'trainTeacher':
      try {
        await trainTeacher(cmd.id, cmd.request);
      } catch (err) {
        post({ type: 'error', id: cmd.id, message: errorMessage(err) });
      }
      return;
    case 'loadDemo':
      return runExclusive(cmd.id, 'loading the demo', async () => ({
        type: 'demoLoaded',
        id: cmd.id,
        result: await session.loadDemo(cmd.task, cmd.base, cmd.options),
      }));
    case 'learnMasks':
      return runExclusive(cmd.id, 'mask learning', async () => ({ type: 'masksDone', id: cmd.id, result: await session.learnMasks(cmd.id, cmd.config) }));
    case 'distill':
      return runExclusive(cmd.id, 'distillation', async () => ({ type: 'distillDone', id: cmd.id, result: await session.distill(cmd.id, cmd.config) }));
    case 'compare':
      return runExclusive(cmd.id, 'the comparison', async () => ({
        type: 'compareDone',
        id: cmd.id,
        rows: await session.compare(cmd.id, cmd.methods, cmd.config),
      }));
    case 'snapshotMasks':
      try {
        await session.snapshot(cmd.id);
      } catch (err) {
        post({ type: 'error', id: cmd.id, message: errorMessage(err) });
      }
      return;
    case 'exportTokens':
      try {
        post({ type: 'tokensExported', id: cmd.id, file: await session.exportTokens() });
      } catch (err) {
        post({ type: 'error', id: cmd.id, message: errorMessage(err) });
      }
      return;
    case 'pause':
      session.control.pause();
      return;
    case 'resume':
      session.control.resume();
      return;
    case 'stepOnce':
      session.control.stepOnce();
      return;
    case 'stop':
      stopRequested = true;
      session.control.stop();
      return;
    case 'loadModels':
      return runExclusive(cmd.id, 'loading models', async () => ({ type: 'modelsLoaded', id: cmd.id, result: await session.loadModels(cmd.request) }));
    case 'setTap':
      return runExclusive(cmd.id, 'changing the tap layer', async () => ({ type: 'modelsLoaded', id: cmd.id, result: session.setTap(cmd.role, cmd.layer) }));
  }
}

self.onmessage = (e: MessageEvent<EngineCommand>) => {
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
