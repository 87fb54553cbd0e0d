// The data the page and the training worker exchange (the requests and events themselves are in
// ./contract.ts). Plain data and transferable ArrayBuffers only: tensors never cross. Imports
// nothing from the worker's side (src/train).
import type { MethodName } from '../maskd/methods';
import type { TokenWeightsState } from '../maskd/tokenWeights';
import type { NamedSerializedTensor } from '../maskd/types';
import type { Task } from '../models/nets';
import type { ModelFileData, ModelRole } from '../byo/files';
import type { InputLayout, InputPlan, InputRange, TeacherOutput } from '../byo/teacherIo';

export type { ModelFileData, ModelRole } from '../byo/files';
export type { InputLayout, InputPlan, InputRange, TeacherOutput } from '../byo/teacherIo';

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
  /** Which demo network to train (default the teacher); the student alone is the no-distillation baseline. */
  readonly model?: 'teacher' | 'student';
  /**
   * 'custom': train a fresh teacher on the loaded dataset (its task, classes and input size; `task`
   * is ignored) and make it the session's teacher, with a fresh student. Default: digit scenes.
   */
  readonly source?: 'digits' | 'custom';
}

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

/** Auto's calibration: the demo whose step is timed, and whether to measure again. */
export interface AutoOptions {
  readonly task?: Task;
  readonly remeasure?: boolean;
}

/**
 * What a warning is about, so the page can say what to do without reading its words:
 * a non-finite loss that paused the run, collapsing masks, a lost GPU device, a shipped file
 * missing (untrained parts in use), a checkpoint that could not be stored or read.
 */
export type WarningKind = 'nan' | 'collapse' | 'device-lost' | 'missing-file' | 'checkpoint';

export interface EngineWarning {
  readonly kind: WarningKind;
  readonly text: string;
  /** The step it happened at, during a run. */
  readonly step?: number;
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
  /** Steps between checkpoints (IndexedDB); default 25, 0 for none (pauses still checkpoint). */
  readonly checkpointEvery?: number;
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
  /**
   * Run the whole comparison once per seed, in this order (each seed its own student init and
   * data order, shared by the methods); default `[seed]`. One row per method and seed.
   */
  readonly seeds?: readonly number[];
};

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

/** What each token attends to over many scenes (src/train/tokenReport.ts). */
export interface TokenReport {
  readonly numTokens: number;
  readonly scenes: number;
  readonly split: 'test' | 'val';
  /** Label names in label-id order: 'background', then the classes. */
  readonly labels: readonly string[];
  /** [token][label]: the token's mean mask value over the pixels of that label (NaN: no such pixel). */
  readonly perClass: readonly (readonly number[])[];
  /** Mean mask value over all pixels, per token. */
  readonly area: readonly number[];
  /** Area strictly between liveArea.min and liveArea.max. */
  readonly live: readonly boolean[];
  readonly liveArea: { readonly min: number; readonly max: number };
  readonly liveCount: number;
  /** [token][token]: mean over scenes of Dice(m_i, m_j); 1 on the diagonal. */
  readonly dice: readonly (readonly number[])[];
  /** Mean over ordered pairs i ≠ j. */
  readonly meanDice: number;
}

export interface DemoLoaded {
  readonly teacher: ModelCard;
  readonly student: ModelCard;
  /** Shipped receptive tokens of the teacher, when present (`models/<task>-teacher/tokens.json`). */
  readonly tokens: { readonly numTokens: number; readonly channels: number; readonly tokenWeights: boolean } | null;
  /** Why something was not loaded as shipped (e.g. no teacher checkpoint: a fresh one is used). */
  readonly warnings: readonly string[];
  /** The masks of the shipped tokens on the preview scenes (null without tokens). */
  readonly snapshot: MaskSnapshot | null;
}

export interface LoadDemoOptions {
  /** Square input side (multiple of 4). Default 64, the shipped teacher's; others get a fresh teacher. */
  readonly inputSize?: number;
  /** Student init seed (default 1); stage-2 runs re-seed from their own config. */
  readonly seed?: number;
  /**
   * Tokens (+ branch) to use instead of the shipped ones (a run file of another task). They are
   * checked against the new teacher and their masks drawn before the loaded demo is replaced: if
   * they do not fit, the new demo is released and the current one stays, unchanged.
   */
  readonly tokens?: Pick<SetTokensRequest, 'tokens' | 'branch'>;
}

/** The worker's TensorFlow.js memory (tf.memory()): what tests compare before and after a refused import. */
export interface EngineMemory {
  readonly numTensors: number;
  readonly numBytes: number;
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

/** Why the loop is paused: the user asked, or a loss went non-finite (the step was skipped). */
export interface PauseInfo {
  readonly paused: boolean;
  readonly step: number;
  readonly reason: string | null;
}

/** A dropped dataset file: its path relative to the dropped folder, and its bytes. */
export interface DatasetFileData {
  readonly path: string;
  readonly data: ArrayBuffer;
}

export interface LoadDatasetOptions {
  /** Square model input side (multiple of 4, 8..512); default 64. */
  readonly inputSize?: number;
  /** Fraction held out for validation; default 0.2. */
  readonly valFraction?: number;
  /** Seed of the train/val split; default 1. */
  readonly seed?: number;
}

/** One sample of a loaded dataset at the model's input size, for the Setup card's previews. */
export interface DatasetPreview {
  readonly file: string;
  readonly height: number;
  readonly width: number;
  /** RGB in [0, 1], [H, W, 3]. */
  readonly image: Float32Array;
  /** Segmentation: class per pixel [H, W]; null for detection. */
  readonly labels: Uint8Array | null;
  /** Detection boxes in input pixels (cls = class index). */
  readonly boxes: readonly { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number; readonly cls: number }[];
}

export interface DatasetSummary {
  /** The labels' task; an images-only dataset (no labels) says 'segmentation' here and `labelled: false`. */
  readonly task: Task;
  /** False for a folder of images without labels: used label-free only. */
  readonly labelled: boolean;
  readonly numClasses: number;
  readonly classNames: readonly string[];
  /** Pixels (segmentation, after resizing) or boxes (detection) per class. */
  readonly classCounts: readonly number[];
  readonly inputSize: number;
  readonly train: number;
  readonly val: number;
  readonly files: number;
  readonly sourceSize: { readonly minH: number; readonly maxH: number; readonly minW: number; readonly maxW: number };
  readonly warnings: readonly string[];
  /** A few validation samples. */
  readonly previews: readonly DatasetPreview[];
}

/** Tokens (+ branch) from outside (a share link, a .safetensors file, a run file) to replace the session's. */
export interface SetTokensRequest {
  readonly tokens: NamedSerializedTensor;
  readonly branch?: TokenWeightsState;
  /** Preview scenes by seed (each one `generateScene(val pool, seed)`); absent keeps the current ones. */
  readonly previewSeeds?: readonly number[];
}

/** The tokens now in the session, and their masks on the preview scenes. */
export interface TokensSet {
  readonly numTokens: number;
  readonly channels: number;
  readonly tokenWeights: boolean;
  readonly snapshot: MaskSnapshot;
}

/** The trained student and the align module of the last distillation run, as tfjs artifacts. */
export interface StudentExport {
  readonly task: Task;
  readonly student: ModelArtifactsData;
  /** Null until a distillation run has trained one. */
  readonly align: ModelArtifactsData | null;
  readonly tapLayer: string;
}

export type EvaluateTarget = 'student' | 'teacher' | 'both';

export interface MetricValue {
  readonly name: string;
  readonly value: number;
  readonly extra: Readonly<Record<string, number>>;
}

/** Validation metric on the fixed validation scenes (the current student: the live one during a run). */
export interface EvaluateResult {
  readonly valCount: number;
  readonly student?: MetricValue;
  readonly teacher?: MetricValue;
}

/** A stored run resumed after a reload: which stage it was and how it ended. */
export type ResumeResult =
  | { readonly kind: 'masks'; readonly result: MasksResult }
  | { readonly kind: 'distill'; readonly result: DistillResult }
  | { readonly kind: 'compare'; readonly rows: readonly CompareRow[] };


/** A user's model for one role: its files, where they came from, and optionally the tap layer. */
export interface UserModelFiles {
  readonly files: readonly ModelFileData[];
  /** Folder, file or URL the user gave, for the card and the messages. */
  readonly label: string;
  /** Tap layer (or graph node); the suggested one when absent. */
  readonly tap?: string;
  /** The input's value range and layout (graph models), when not the ones read from the model. */
  readonly input?: { readonly range?: InputRange; readonly layout?: InputLayout };
}

export interface LoadModelsRequest {
  readonly teacher?: UserModelFiles;
  readonly student?: UserModelFiles;
  /** The data the models are checked against and trained on: the digit demo's (default) or the loaded custom dataset. */
  readonly data?: 'demo' | 'custom';
}

/** One layer (or graph node) of a loaded model, for the layer list and the tap picker. */
export interface LayerRowData {
  readonly name: string;
  readonly kind: string;
  readonly shape: readonly (number | null)[] | null;
  readonly stride: number | null;
  /** Null when it can be the tap; else why not. */
  readonly notTap: string | null;
}

export interface UserModelInfo {
  readonly role: ModelRole;
  readonly label: string;
  readonly format: 'layers-model' | 'graph-model';
  readonly layers: readonly LayerRowData[];
  readonly tap: string;
  /** Why this tap: suggested (and by which rule) or chosen. */
  readonly tapWhy: string;
  /** A teacher's outputs and how each is used (compared and imitated, or left out). */
  readonly outputs?: readonly TeacherOutput[];
  /** A graph teacher's input: side, layout and value range, read or asked, with the reasons. */
  readonly input?: InputPlan;
}

/** After loading user models (or changing a tap): both cards, the layer lists, and how they fit. */
export interface ModelsLoaded {
  readonly teacher: ModelCard;
  readonly student: ModelCard;
  readonly tokens: DemoLoaded['tokens'];
  readonly user: { readonly teacher: UserModelInfo | null; readonly student: UserModelInfo | null };
  /** Square input side the demo scenes are now generated at. */
  readonly inputSize: number;
  /** The align module sized from the two taps, in words, e.g. "1×1 conv 16→32, bilinear 8×8→16×16". */
  readonly align: string;
  readonly warnings: readonly string[];
  /**
   * Why no labels fit the teacher (its outputs are not the data's labels, or the data has none):
   * stage 1 then learns from the teacher's own output and stage 2 distils into a built-in student
   * that produces the teacher's outputs. Null when the labels fit.
   */
  readonly labelFree: string | null;
}

