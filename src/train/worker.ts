// The training worker: owns TensorFlow.js, the models and the loops. The page talks to it only
// through the messages in protocol.ts.
import { configureWasmAssets } from '../backends/wasm/browserAssets';
import { loadDigits } from '../data/digits';
import { browserCalibrationHost } from '../backends/calibration/browserHost';
import { startEngineBackend } from './engineBackend';
import type { EngineCommand, EngineEvent, TrainTeacherRequest } from './protocol';
import { trainDigitTeacher } from './digitTeacher';
import { EngineSession } from './engineSession';
import { browserImageDecoder } from './imageDecoder';
import { checkpointTransfer } from './checkpoint';
import { hasIndexedDb, indexedDbSink } from './checkpointStore';

configureWasmAssets();

let stopRequested = false;

function post(event: EngineEvent, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(event, transfer);
}

const session = new EngineSession(post, hasIndexedDb() ? indexedDbSink : null);
session.decodeImage = browserImageDecoder;
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

/** A request answered by one event, or by an error naming it. */
async function answer(id: number, body: () => Promise<EngineEvent>): Promise<void> {
  try {
    post(await body());
  } catch (err) {
    post({ type: 'error', id, message: errorMessage(err) });
  }
}

async function trainTeacher(id: number, req: TrainTeacherRequest): Promise<void> {
  const pools = session.pools;
  if (!pools) throw new Error('the engine has no data yet: send init first');
  stopRequested = false;
  const run = await trainDigitTeacher(id, pools, req, (progress) => post({ type: 'progress', progress }), () => stopRequested);
  post({ type: 'teacherDone', id, ...run }, [run.artifacts.weightData, ...run.optimizer.map((o) => o.data.buffer as ArrayBuffer)]);
}

async function handle(cmd: EngineCommand): Promise<void> {
  switch (cmd.type) {
    case 'init': {
      // Inits run one after another (two at once would race in tf.setBackend); each gets its reply.
      const run = initChain.then(async () => {
        const host = typeof navigator !== 'undefined'
          ? browserCalibrationHost(cmd.task ?? 'segmentation', (timings, measuring) => post({ type: 'calibrating', timings, measuring }))
          : null;
        const { status, fallbackOrder } = await startEngineBackend(cmd, host);
        session.fallbackOrder = fallbackOrder;
        session.device.arm();
        session.watchIdleLoss(() => running !== null);
        session.pools = await loadDigits(cmd.dataUrl);
        post({ type: 'ready', status });
      });
      initChain = run.catch(() => {});
      return run;
    }
    case 'trainTeacher':
      if (cmd.request.source === 'custom') {
        stopRequested = false;
        return runExclusive(cmd.id, 'teacher training', () => session.trainDatasetTeacher(cmd.id, cmd.request));
      }
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
    case 'loadDataset':
      return runExclusive(cmd.id, 'loading the dataset', async () => {
        const summary = await session.loadDataset(cmd.files, cmd.options);
        return { type: 'datasetLoaded', id: cmd.id, summary };
      });
    case 'setTokens':
      // Not while a stage runs: its loop holds the tokens it trains.
      return runExclusive(cmd.id, 'replacing the tokens', async () => ({ type: 'tokensSet', id: cmd.id, result: await session.setTokens(cmd.request) }));
    case 'exportStudent':
      try {
        const result = await session.exportStudent();
        // The student's buffer is fresh and moves; the kept align copy is cloned, not moved.
        post({ type: 'studentExported', id: cmd.id, result }, [result.student.weightData]);
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
    case 'evaluate':
      return answer(cmd.id, async () => ({ type: 'evaluated', id: cmd.id, result: await session.evaluate(cmd.target, cmd.valCount) }));
    case 'exportState': {
      try {
        const checkpoint = await session.exportState();
        post({ type: 'stateExported', id: cmd.id, checkpoint }, checkpointTransfer(checkpoint));
      } catch (err) {
        post({ type: 'error', id: cmd.id, message: errorMessage(err) });
      }
      return;
    }
    case 'findCheckpoint':
      return answer(cmd.id, async () => ({ type: 'checkpointFound', id: cmd.id, info: await session.findCheckpoint() }));
    case 'discardCheckpoint':
      return answer(cmd.id, async () => {
        await session.discardCheckpoint();
        return { type: 'checkpointDiscarded', id: cmd.id };
      });
    case 'resumeCheckpoint':
      return runExclusive(cmd.id, 'the resumed run', async () => ({ type: 'resumeDone', id: cmd.id, result: await session.resumeStored(cmd.id, cmd.base) }));
    case 'setLearningRate':
      session.setLearningRate(cmd.lr);
      return;
    case 'debugInjectNonFinite':
      session.injectNonFinite();
      return;
    case 'debugLoseDevice':
      session.loseDevice();
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
