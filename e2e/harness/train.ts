// Training-step benchmark page (scripts/bench-train.mjs): runs the training code directly in the
// page (not the app's worker) on webgpu, webgl, wasm or cpu. Not linked from the app; built as an
// extra Vite input. The preview server's COOP/COEP headers make it cross-origin isolated, so
// wasm gets its threaded build.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { configureWasmAssets } from '../../src/backends/wasm/browserAssets';
import { digitsUrl, loadDigits } from '../../src/data/digits';
import { initBackend, isBackendName, type BackendName, type BackendStatus } from '../../src/backends/init';
import { benchRow, benchSettings, type BenchRow, type RowResult } from './trainSteps';

configureWasmAssets();
// ?wasmThreads=N overrides the XNNPACK thread count configureWasmAssets picked (before wasm starts).
const wasmThreads = Number(new URLSearchParams(window.location.search).get('wasmThreads'));
const threadsOverride = Number.isInteger(wasmThreads) && wasmThreads > 0 ? wasmThreads : null;
if (threadsOverride) setThreadsCount(threadsOverride);
/**
 * The thread count handed to the threaded build: the override, else configureWasmAssets' choice
 * (one per logical core, at most 4). Reported beside getThreadsCount(), which said 1 here for
 * every count asked for while the step time did change with it.
 */
const wasmThreadsRequested = threadsOverride ?? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
const pools = loadDigits(new URL(digitsUrl(), window.location.origin).href);
const started = new Map<BackendName, BackendStatus>();

/** Makes `name` the active backend; the first time through initBackend (training kernels on wasm). */
async function activate(name: BackendName): Promise<BackendStatus> {
  if (!isBackendName(name)) throw new Error(`unknown backend "${String(name)}"`);
  const known = started.get(name);
  if (known) {
    if (!(await tf.setBackend(name))) throw new Error(`${name} failed to start again`);
    await tf.ready();
    return known;
  }
  const status = await initBackend([name]);
  if (status.backend !== name) throw new Error(`asked for ${name}, got ${status.backend}`);
  started.set(name, status);
  return status;
}

const harness = {
  ready: pools.then(() => 'ready'),
  settings: benchSettings,
  activate,
  /** One row on `backend`: warm-up, `steps` timed steps, everything disposed after. */
  async run(backend: BackendName, row: BenchRow, steps: number, profile = false): Promise<RowResult> {
    await activate(backend);
    return benchRow(row, await pools, steps, (line) => console.log(`bench ${line}`), { profile });
  },
  environment: () => ({
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated,
    wasmThreadsRequested,
  }),
};

export type TrainHarness = typeof harness;

declare global {
  interface Window {
    maskdTrain: TrainHarness;
  }
}

window.maskdTrain = harness;
void harness.ready.then((s) => {
  document.getElementById('status')!.textContent = s;
});
