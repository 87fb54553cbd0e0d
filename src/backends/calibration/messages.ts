import type { Task } from '../../models/nets';
import type { BackendName } from '../types';

/** What the engine worker asks a throwaway calibration worker to time. */
export interface CalibrationJob {
  readonly backend: BackendName;
  readonly task: Task;
  readonly batchSize: number;
  readonly steps: number;
}

/** The calibration worker's replies: the backend started (with what runs it), then the figure or an error. */
export type CalibrationReply =
  | { readonly type: 'started'; readonly detail: string }
  | { readonly type: 'done'; readonly msPerStep: number }
  | { readonly type: 'failed'; readonly error: string };
