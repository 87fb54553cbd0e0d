// Typed messages between the page and the training worker. Tensors never cross: only plain
// data and transferable ArrayBuffers.
import type { MethodName } from '../maskd/methods';
import type { TokenWeightsState } from '../maskd/tokenWeights';
import type { NamedSerializedTensor } from '../maskd/types';
import type { Task } from '../models/nets';
import type { BackendName, BackendStatus } from './backend';

/** A LayersModel as plain data: what tf.io save handlers receive, with one weight buffer. */
export interface ModelArtifactsData {
  readonly modelTopology: object;
  readonly weightSpecs: readonly { name: string; shape: number[]; dtype: string }[];
  readonly weightData: ArrayBuffer;
}

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
}

/** A named tensor as plain data (optimizer slots, checkpoints). */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** `models/<task>-teacher/tokens.json`: learnt receptive tokens (+ branch) of a shipped teacher. */
export interface TokensFile {
  readonly version: 1;
  readonly task: Task;
  readonly tokens: NamedSerializedTensor;
  readonly branch?: TokenWeightsState;
  /** How they were learnt (steps, lr, final losses), for the record. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** What the page shows about a loaded model (teacher or student card). */
export interface ModelCard {
  readonly role: 'teacher' | 'student';
  /** 'builtin:<task>-teacher' for shipped ones; a content hash for a user's model. */
  readonly source: string;
  readonly params: number;
  /** Per input image, multiply-add = 2 FLOPs. */
  readonly flops: number;
  readonly tapLayer: string;
  /** [H, W, C] of the tap feature. */
  readonly featureShape: readonly [number, number, number];
  readonly inputShape: readonly [number, number, number];
  /** Validation metric recorded for it (shipped teachers), when known. */
  readonly metric?: { readonly name: string; readonly value: number };
}

export interface MaskStageConfig {
  readonly numTokens: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly diceWeight: number;
  readonly tokenWeights: boolean;
  readonly seed: number;
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
}

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

/** Stage-2 settings shared by every method of a comparison (same init, data order, budget). */
export type CompareConfig = Omit<DistillConfig, 'method' | 'params'> & {
  /** Per-method overrides, e.g. {maskd: {customMask: false}}; methods not named use defaults. */
  readonly params?: Readonly<Partial<Record<MethodName, Readonly<Record<string, number | boolean>>>>>;
};

export interface CompareRow {
  readonly method: MethodName;
  /** Best validation metric of the run (mIoU or AP@0.5). */
  readonly metric: number;
  readonly metricName: string;
  readonly finalLoss: number;
  readonly msPerStep: number;
  /** (step, metric) at every evaluation, for the comparison curves. */
  readonly curve: readonly (readonly [number, number])[];
}

export interface DemoLoaded {
  readonly teacher: ModelCard;
  readonly student: ModelCard;
  /** Shipped receptive tokens of the teacher, when present (`models/<task>-teacher/tokens.json`). */
  readonly tokens: { readonly numTokens: number; readonly channels: number; readonly tokenWeights: boolean } | null;
  /** Why something was not loaded as shipped (e.g. no teacher checkpoint: a fresh one is used). */
  readonly warnings: readonly string[];
}

export interface LoadDemoOptions {
  /** Square input side (multiple of 4). Default 64, the shipped teacher's; others get a fresh teacher. */
  readonly inputSize?: number;
  /** Student init seed (default 1); stage-2 runs re-seed from their own config. */
  readonly seed?: number;
}

export interface MasksResult {
  readonly step: number;
  readonly stopped: boolean;
}

export interface DistillResult {
  readonly step: number;
  /** Best validation metric (NaN if never evaluated). */
  readonly metric: number;
  readonly metricName: string;
  readonly stopped: boolean;
}

/** Why the loop is paused: the user asked, or a loss went non-finite (the step was skipped). */
export interface PauseInfo {
  readonly paused: boolean;
  readonly step: number;
  readonly reason: string | null;
}

export type EngineCommand =
  | { readonly type: 'init'; readonly backends?: readonly BackendName[]; readonly dataUrl: string }
  | { readonly type: 'trainTeacher'; readonly id: number; readonly request: TrainTeacherRequest }
  /** `base`: absolute URL of the app root; models load from `${base}models/<task>-teacher/`. */
  | { readonly type: 'loadDemo'; readonly id: number; readonly task: Task; readonly base: string; readonly options?: LoadDemoOptions }
  | { readonly type: 'learnMasks'; readonly id: number; readonly config: MaskStageConfig }
  | { readonly type: 'distill'; readonly id: number; readonly config: DistillConfig }
  | { readonly type: 'compare'; readonly id: number; readonly methods: readonly MethodName[]; readonly config: CompareConfig }
  | { readonly type: 'snapshotMasks'; readonly id: number }
  | { readonly type: 'exportTokens'; readonly id: number }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stepOnce' }
  | { readonly type: 'stop' };

export interface TrainProgress {
  readonly id: number;
  readonly step: number;
  readonly total: number;
  readonly loss: number;
  readonly msPerStep: number;
  readonly numTensors: number;
  /** Present on steps where validation ran. */
  readonly metric?: { readonly name: string; readonly value: number; readonly extra: Readonly<Record<string, number>> };
}

export type EngineEvent =
  | { readonly type: 'ready'; readonly status: BackendStatus }
  | { readonly type: 'progress'; readonly progress: TrainProgress }
  | {
      readonly type: 'teacherDone';
      readonly id: number;
      readonly artifacts: ModelArtifactsData;
      readonly optimizer: readonly NamedArray[];
      readonly step: number;
      readonly metric: number;
      readonly stopped: boolean;
    }
  | { readonly type: 'demoLoaded'; readonly id: number; readonly result: DemoLoaded }
  | { readonly type: 'runProgress'; readonly id: number; readonly progress: RunProgress }
  | { readonly type: 'snapshot'; readonly id: number; readonly snapshot: MaskSnapshot }
  | { readonly type: 'masksDone'; readonly id: number; readonly result: MasksResult }
  | { readonly type: 'distillDone'; readonly id: number; readonly result: DistillResult }
  | { readonly type: 'compareRow'; readonly id: number; readonly row: CompareRow }
  | { readonly type: 'compareDone'; readonly id: number; readonly rows: readonly CompareRow[] }
  | { readonly type: 'tokensExported'; readonly id: number; readonly file: TokensFile }
  | { readonly type: 'pauseState'; readonly info: PauseInfo }
  /** Not tied to a request: mask collapse, a NaN pause, a missing shipped file. */
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'error'; readonly id?: number; readonly message: string };
