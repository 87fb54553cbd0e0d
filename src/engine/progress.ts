// What a run streams while it trains (progress, mask snapshots) and its pause state.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

import type { MethodName } from '../maskd/methods';
import type { MaskObjective } from './runConfigs';

export type Stage = 'teacher' | 'masks' | 'distill';

export interface RunProgress {
  readonly runId: number;
  readonly stage: Stage;
  readonly method?: MethodName;
  readonly step: number;
  readonly total: number;
  /** Loss terms of this step, e.g. {task, dice, total} or {task, distill, total}. */
  readonly losses: Readonly<Record<string, number>>;
  readonly msPerStep: number;
  readonly etaMs: number;
  readonly numTensors: number;
  readonly metric?: { readonly name: string; readonly value: number };
  /** Stage 1: mean mask value per token, and token weights (mean over the batch) when used. */
  readonly tokenAreas?: readonly number[];
  readonly tokenWeights?: readonly number[];
  /**
   * Work inside the next step, sent while a slow step runs (a large teacher, images one at a
   * time): `done` of `of` images through `what` ('teacher': its outputs; 'step': the gradients;
   * 'validation': the agreement with the teacher). Such a progress repeats the last step's
   * numbers and is not a new point of any curve.
   */
  readonly within?: { readonly done: number; readonly of: number; readonly what: 'teacher' | 'step' | 'validation' };
  /** The stage's objective, when it is not the task loss: 'teacher' (label-free). */
  readonly objective?: MaskObjective;
  /** MasKD with the custom mask: the first step (1-based, as `step`) that multiplies in the student's masks. */
  readonly customMaskFrom?: number;
  /** In a comparison: where this run stands in the whole of it (`step`, `total`, `etaMs` are the current method's). */
  readonly compare?: CompareStanding;
}

/** A comparison's progress as a whole: which run of it this is, its overall step and its ETA. */
export interface CompareStanding {
  /** The current method, 1-based, of `methods`. */
  readonly method: number;
  readonly methods: number;
  /** The current seed, 1-based, of `seeds`. */
  readonly seed: number;
  readonly seeds: number;
  /** Steps every run has (the comparison's budget), and its batch. */
  readonly stepsPerRun: number;
  readonly batchSize: number;
  /** Steps done over the whole comparison (all methods and seeds), of `total`. */
  readonly step: number;
  readonly total: number;
  /** Time left for the whole comparison (every method and seed); null until a step has been timed. */
  readonly etaMs: number | null;
}

/** Masks of the fixed preview scenes: images [P,H,W,3], masks [P,h,w,T] (h,w at the tap's stride). */
export interface MaskSnapshot {
  readonly step: number;
  readonly stage: Stage;
  readonly previews: number;
  readonly imageSize: readonly [number, number];
  readonly maskSize: readonly [number, number];
  readonly numTokens: number;
  readonly images: Float32Array;
  readonly masks: Float32Array;
  readonly tokenWeights?: Float32Array;
  /**
   * Stage 2 with MasKD: the same tokens on the student's aligned feature, [P,h,w,T] like `masks`
   * (what the custom mask multiplies into the teacher's masks, gradient-free).
   */
  readonly studentMasks?: Float32Array;
  /** With `studentMasks`: whether the custom mask is in use at this step (on, and past its warm-up). */
  readonly customMask?: boolean;
  /** Ground truth of the previews (segmentation): class per pixel [P,H,W], 0 background, 1 + d for digit d. */
  readonly labels?: Uint8Array;
  /** Ground truth of the previews (detection): each preview's digit boxes in image pixels. */
  readonly boxes?: readonly (readonly SnapshotBox[])[];
}

/** A ground-truth box of a preview: pixels x0 ≤ x < x1, y0 ≤ y < y1; `cls` is the digit 0..9. */
export interface SnapshotBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly cls: number;
}

/** The run in progress as the engine sees it (no run: running false, the last run's step). */
export interface RunState {
  readonly running: boolean;
  readonly paused: boolean;
  /** The last step the loop finished. */
  readonly step: number;
}

/** Why the loop is paused: the user asked, or a loss went non-finite (the step was skipped). */
export interface PauseInfo {
  readonly paused: boolean;
  readonly step: number;
  readonly reason: string | null;
}
