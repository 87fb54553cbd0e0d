// The browser's TimingRunner: each backend is timed in its own throwaway worker, terminated when
// it answers or when its share of the budget runs out (a GPU step cannot be interrupted otherwise).
import type { Task } from '../../models/nets';
import type { BackendName } from '../types';
import type { CalibrationJob, CalibrationReply } from './messages';
import type { BackendTiming, TimingRunner } from './types';

export interface WorkerRunnerOptions {
  readonly task: Task;
  readonly batchSize: number;
  readonly steps: number;
  /** Known before the worker says so (e.g. the WebGPU adapter), for a backend that runs out of time. */
  readonly detailOf?: (backend: BackendName) => string;
  /** A fresh calibration worker (src/train/calibrationWorker.ts: it runs the demo's training code). */
  readonly makeWorker: (backend: BackendName) => Worker;
}

export function workerRunner(options: WorkerRunnerOptions): TimingRunner {
  return (backend, limitMs) =>
    new Promise<BackendTiming>((resolve) => {
      const worker = options.makeWorker(backend);
      let detail = options.detailOf?.(backend) ?? '';
      const finish = (timing: Omit<BackendTiming, 'backend' | 'detail'>) => {
        clearTimeout(timer);
        worker.terminate();
        resolve({ backend, detail, ...timing });
      };
      const timer = setTimeout(() => finish({ msPerStep: null, limitMs }), limitMs);
      worker.onmessage = (e: MessageEvent<CalibrationReply>) => {
        const r = e.data;
        if (r.type === 'started') detail = r.detail || detail;
        else if (r.type === 'done') finish({ msPerStep: r.msPerStep });
        else finish({ msPerStep: null, error: r.error });
      };
      worker.onerror = (e) => finish({ msPerStep: null, error: e.message || 'the calibration worker crashed' });
      const job: CalibrationJob = { backend, task: options.task, batchSize: options.batchSize, steps: options.steps };
      worker.postMessage(job);
    });
}
