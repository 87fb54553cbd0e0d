// The calibration as the engine worker runs it in a browser: which backends this browser can
// start, the facts that identify the device, IndexedDB memory, one throwaway worker per backend.
import type { Task } from '../../models/nets';
import { describeWebGPUAdapter } from '../init';
import type { AdapterSummary, BackendName, BackendTiming } from '../types';
import type { CalibrationHost } from './calibrate';
import { indexedDbCalibrations } from './store';
import { workerRunner } from './workerRunner';

/** The page's stage-2 batch (the step Distill and Compare run). */
export const CALIBRATION_BATCH = 8;
/** Timed steps per backend after the warm-up step. */
export const CALIBRATION_STEPS = 2;

function hasWebGL2(): boolean {
  try {
    return typeof OffscreenCanvas !== 'undefined' && new OffscreenCanvas(1, 1).getContext('webgl2') !== null;
  } catch {
    return false;
  }
}

/**
 * wasm first (cheap to start and to time, so the budget's first share is rarely used up), then
 * WebGPU, then WebGL; the CPU only where none of them exists.
 */
export async function browserCandidates(adapter: AdapterSummary | null): Promise<BackendName[]> {
  const out: BackendName[] = [];
  if (typeof WebAssembly === 'object') out.push('wasm');
  if (adapter) out.push('webgpu');
  if (hasWebGL2()) out.push('webgl');
  return out.length ? out : ['cpu'];
}

export function browserCalibrationHost(
  task: Task,
  onProgress: (timings: readonly BackendTiming[], measuring: BackendName | null) => void,
  makeWorker: (backend: BackendName) => Worker,
): CalibrationHost {
  let adapter: Promise<AdapterSummary | null> | null = null;
  const getAdapter = () => (adapter ??= describeWebGPUAdapter().catch(() => null));
  let webgpuDetail = '';
  return {
    async candidates() {
      const a = await getAdapter();
      webgpuDetail = a ? a.architecture || a.vendor || a.description : '';
      return browserCandidates(a);
    },
    async facts() {
      return {
        userAgent: navigator.userAgent,
        adapter: await getAdapter(),
        crossOriginIsolated: Boolean(self.crossOriginIsolated),
        cores: navigator.hardwareConcurrency || 1,
      };
    },
    memory: indexedDbCalibrations,
    runner: workerRunner({
      task,
      batchSize: CALIBRATION_BATCH,
      steps: CALIBRATION_STEPS,
      detailOf: (backend) => (backend === 'webgpu' ? webgpuDetail : ''),
      makeWorker,
    }),
    onProgress,
  };
}
