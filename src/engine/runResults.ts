// What a finished (or stopped) run replies.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

import type { MethodName } from '../maskd/methods';
import type { ModelArtifactsData, NamedArray } from './artifacts';
import type { DemoLoaded } from './models';

/** What a teacher run gives back: the trained weights and Adam state (to continue from), and how it ended. */
export interface TeacherResult {
  readonly artifacts: ModelArtifactsData;
  readonly optimizer: readonly NamedArray[];
  readonly step: number;
  readonly metric: number;
  readonly stopped: boolean;
  /** For `source: 'custom'`: the trained teacher is now the engine's, with a fresh student. */
  readonly loaded?: DemoLoaded;
}

export interface MasksResult {
  readonly step: number;
  readonly stopped: boolean;
}

export interface DistillResult {
  readonly step: number;
  /** The final student's metric on the test scenes (as CompareRow.metric). */
  readonly metric: number;
  readonly metricName: string;
  readonly stopped: boolean;
}

export interface CompareRow {
  readonly method: MethodName;
  /** The seed of this run (student init and data order); absent in rows stored before comparisons had seeds. */
  readonly seed?: number;
  /** The final student's metric (mIoU or AP@0.5) on the scenes `scored` names: the reported number. */
  readonly metric: number;
  /** What `metric` was measured on: a test split of its own, or the validation scenes when the data has none. */
  readonly scored: { readonly split: 'test' | 'val'; readonly scenes: number };
  /** The best validation metric during the run and its step (chosen on validation: shown beside, labelled so). */
  readonly bestVal: { readonly metric: number; readonly step: number } | null;
  readonly metricName: string;
  readonly finalLoss: number;
  readonly msPerStep: number;
  /** (step, metric) at every evaluation, for the comparison curves. */
  readonly curve: readonly (readonly [number, number])[];
}

/** A stored run resumed after a reload: which stage it was and how it ended. */
export type ResumeResult =
  | { readonly kind: 'masks'; readonly result: MasksResult }
  | { readonly kind: 'distill'; readonly result: DistillResult }
  | { readonly kind: 'compare'; readonly rows: readonly CompareRow[] };
