// The training worker: owns TensorFlow.js, the models and the loops. The page talks to it only
// through the contract (src/engine/contract.ts): requests in, replies and events out.
import { browserCalibrationHost } from '../backends/calibration/browserHost';
import { configureWasmAssets } from '../backends/wasm/browserAssets';
import type { RequestMessage, WorkerMessage } from '../engine/contract';
import { loadDigits } from '../data/digits';
import { hasIndexedDb, indexedDbSink } from './checkpointStore';
import { EngineDispatcher } from './engineDispatcher';
import { EngineSession } from './engineSession';
import { browserImageDecoder } from './imageDecoder';
import { workerProbeHost } from './modelProbe/workerHost';

configureWasmAssets();

function answer(message: WorkerMessage, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(message, transfer);
}

const session: EngineSession = new EngineSession(answer, hasIndexedDb() ? indexedDbSink : null, {
  loadDigits,
  calibrationHost: (task) =>
    browserCalibrationHost(
      task,
      (timings, measuring) => answer({ type: 'calibrating', timings, measuring }),
      (backend) => new Worker(new URL('./calibrationWorker.ts', import.meta.url), { type: 'module', name: `maskd-calibration-${backend}` }),
    ),
  modelProbe: () => workerProbeHost(() => new Worker(new URL('./modelProbe/probeWorker.ts', import.meta.url), { type: 'module', name: 'maskd-model-probe' })),
  // The app root: the worker's script sits in its assets folder (or src/train under the dev server).
  defaultBase: new URL(import.meta.env.BASE_URL ?? '/', self.location.href).href,
  onBackendStarted: () => {
    session.device.arm();
    session.watchIdleLoss(() => dispatcher.busy);
  },
});
session.decodeImage = browserImageDecoder;

const dispatcher = new EngineDispatcher(session, answer);

self.onmessage = (e: MessageEvent<RequestMessage>) => void dispatcher.handle(e.data);
