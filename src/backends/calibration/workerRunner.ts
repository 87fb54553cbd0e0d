// The browser's TimingRunner: each backend is timed in its own throwaway worker, terminated when
// it answers or when its share of the budget runs out (a GPU step cannot be interrupted otherwise).
import type { Task } from '../../models/nets';
import { runOneShot } from '../../oneShotWorker';
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
  return (backend, limitMs) => {
    let detail = options.detailOf?.(backend) ?? '';
    const timing = (t: Omit<BackendTiming, 'backend' | 'detail'>) => ({ value: { backend, detail, ...t } });
    const job: CalibrationJob = { backend, task: options.task, batchSize: options.batchSize, steps: options.steps };
    return runOneShot<CalibrationJob, CalibrationReply, BackendTiming>(options.makeWorker(backend), job, {
      reply: (r) => {
        if (r.type === 'started') {
          detail = r.detail || detail;
          return undefined;
        }
        return r.type === 'done' ? timing({ msPerStep: r.msPerStep }) : timing({ msPerStep: null, error: r.error });
      },
      crashed: (why) => timing({ msPerStep: null, error: why || 'the calibration worker crashed' }),
      budgetMs: limitMs,
      timedOut: () => timing({ msPerStep: null, limitMs }),
    }).result;
  };
}
