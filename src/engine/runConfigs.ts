// What a run is asked to do: the settings of a teacher run, stage 1 (masks), stage 2 (distill) and a comparison.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

import type { MethodName } from '../maskd/methods';
import type { Task } from '../models/nets';
import type { ModelArtifactsData, NamedArray } from './artifacts';

export interface TrainTeacherRequest {
  readonly task: Task;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
  /** Validate every this many steps (and at the end) on `valCount` held-out scenes. */
  readonly evalEvery: number;
  readonly valCount: number;
  readonly valSeed: number;
  /** Start from these weights instead of a fresh init (resume or fine-tune). */
  readonly initial?: ModelArtifactsData;
  /** Continue the cosine schedule from this step (with `initial`). */
  readonly startStep?: number;
  /** Stop (and return the state) at this step, before `steps`; the schedule still spans `steps`. */
  readonly untilStep?: number;
  /** Adam state from a previous chunk, so a resumed run continues exactly. */
  readonly optimizer?: readonly NamedArray[];
  /** Which demo network to train (default the teacher); the student alone is the no-distillation baseline. */
  readonly model?: 'teacher' | 'student';
  /**
   * 'custom': train a fresh teacher on the loaded dataset (its task, classes and input size; `task`
   * is ignored) and make it the session's teacher, with a fresh student. Default: digit scenes.
   */
  readonly source?: 'digits' | 'custom';
}

/**
 * What stage 1 learns the tokens for: the task loss against the data's labels, or the teacher's
 * own output on the full feature (no labels; the engine uses it whenever no labels fit).
 */
export type MaskObjective = 'task' | 'teacher';

/** Stage 1's optimiser: Adam, or SGD with momentum (the reference segmentation recipe). */
export type MaskOptimizer = 'adam' | 'sgd';
/** Stage 1's schedule: cosine annealing (to `minLr`) or poly, lr·(1 − step/total)^0.9. */
export type LrSchedule = 'cosine' | 'poly';

export interface MaskStageConfig {
  readonly numTokens: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly diceWeight: number;
  readonly tokenWeights: boolean;
  readonly seed: number;
  /** Steps between checkpoints (IndexedDB); default 25, 0 for none (pauses still checkpoint). */
  readonly checkpointEvery?: number;
  /** Default 'task'; 'teacher' whenever no labels fit the teacher, whatever is asked. */
  readonly objective?: MaskObjective;
  /** Default 'adam' (what runs and checkpoints before the recipes used). */
  readonly optimizer?: MaskOptimizer;
  /** SGD's momentum (no Nesterov), default 0.9; unused by Adam. */
  readonly momentum?: number;
  /** L2 weight decay added to each gradient as PyTorch's `weight_decay` does (Adam and SGD); default 0. */
  readonly weightDecay?: number;
  /** Default 'cosine'. */
  readonly schedule?: LrSchedule;
  /** Cosine's final learning rate (absolute, mmcv's min_lr); default 0. */
  readonly minLr?: number;
  /** With the token-weight branch: weight of the penalty on one-hot token weights, log T − H(w) per image; default 0.3. */
  readonly weightEntropy?: number;
  /** Label-free only: weight of the bounds on each token's area (5–90% of the scene); default 1. */
  readonly areaBounds?: number;
}

export interface DistillConfig {
  readonly method: MethodName;
  /** Overrides of the method's defaults (see METHOD_DEFAULTS). */
  readonly params: Readonly<Record<string, number | boolean>>;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
  readonly evalEvery: number;
  /** Validation scenes (fixed, seeded); default 64. */
  readonly valCount?: number;
  /** Test scenes the final student is scored on (fixed, seeded, disjoint from training and validation); default 128. */
  readonly testCount?: number;
  /**
   * Seed of the test draw (default: the data's fixed test seed). The reproduction gives each seed its
   * own draw, so that test-sampling error is inside its intervals; ignored by datasets without a test split.
   */
  readonly testSeed?: number;
  /** Steps between checkpoints (IndexedDB); default 25, 0 for none (pauses still checkpoint). */
  readonly checkpointEvery?: number;
}

/** Stage-2 settings shared by every method of a comparison (same init, data order, budget). */
export type CompareConfig = Omit<DistillConfig, 'method' | 'params'> & {
  /** Per-method overrides, e.g. {maskd: {customMask: false}}; methods not named use defaults. */
  readonly params?: Readonly<Partial<Record<MethodName, Readonly<Record<string, number | boolean>>>>>;
  /**
   * Run the whole comparison once per seed, in this order (each seed its own student init and
   * data order, shared by the methods); default `[seed]`. One row per method and seed.
   */
  readonly seeds?: readonly number[];
};
