// A dropped or fetched model being checked in its throwaway probe worker, as the page sees it
// (the `modelProbe` event): which model, which step, how long it has had and has left. Plain data.
import type { ModelRole } from './userModels';

/** The probe's steps, in order. */
export const PROBE_STAGES = ['starting', 'reading', 'sizing', 'running', 'done'] as const;
export type ProbeStage = (typeof PROBE_STAGES)[number];

export interface ProbeProgress {
  readonly role: ModelRole;
  /** Folder, file or URL the user gave. */
  readonly label: string;
  readonly stage: ProbeStage;
  /** Milliseconds since the probe started, and the budget it is stopped at. */
  readonly elapsedMs: number;
  readonly budgetMs: number;
}
