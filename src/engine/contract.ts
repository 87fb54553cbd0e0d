// The page ↔ worker contract, declared once: every request with its arguments and its reply (the
// events the engine sends on its own are in ./events.ts). The worker's session implements the
// handler map (src/train/engineSession.ts), its dispatcher (src/train/engineDispatcher.ts) and the
// page's client (./client.ts) are typed from it: adding a command is one entry here and one
// method on the session.
import type { MethodName } from '../maskd/methods';
import type { Task } from '../models/nets';
import type { BackendName, BackendStatus } from '../backends/types';
import { checkpointTransfer, type Checkpoint, type CheckpointInfo, type CheckpointInstalled } from './checkpoint';
import { snapshotTransfer } from './transfer';
import type { DatasetFileData, DatasetSummary, LoadDatasetOptions } from './datasets';
import type { EvaluateResult, EvaluateTarget } from './evaluation';
import type { DemoLoaded, FloatArray, LoadDemoOptions, PytorchExport, StudentExport, StudentOnnxExport } from './models';
import type { EngineEvent, RunHandlers } from './events';

export type { EngineEvent, RunHandlers } from './events';
import type { MaskSnapshot, RunState } from './progress';
import type { CompareConfig, DistillConfig, MaskStageConfig, TrainTeacherRequest } from './runConfigs';
import type { CompareRow, DistillResult, MasksResult, ResumeResult, TeacherResult } from './runResults';
import type { AutoOptions, EngineMemory } from './session';
import type { SetTokensRequest, TokenReport, TokensFile, TokensSet } from './tokens';
import type { LoadModelsRequest, ModelRole, ModelsLoaded, UserModelFiles } from './userModels';

/** How a request uses the session: a run trains (one at a time), a load replaces models or data. */
export type RequestUse = 'run' | 'load';

declare const signature: unique symbol;

/** One request: its arguments and reply (types only), and what the dispatcher and client need to know. */
export interface RequestEntry<A extends unknown[], R, S extends number | undefined> {
  readonly [signature]?: { readonly args: A; readonly reply: R };
  /**
   * 'run': refused while another run is in progress ("stop it first"); 'load': waits for the one
   * before it. Either waits for the backend to have started. Absent: answered at once.
   */
  readonly use?: RequestUse;
  /** How a refusal names it, e.g. "mask learning". */
  readonly what?: string;
  /**
   * A run whose progress, snapshots and comparison rows stream to handlers: the caller passes them
   * after its arguments, and this says after how many (it only compiles as the arguments' count).
   */
  readonly streams?: S;
  /** ArrayBuffers moved (not copied) to the worker with the arguments. */
  readonly transferArgs?: (args: A) => Transferable[];
  /** ArrayBuffers moved to the page with the reply. */
  readonly transferReply?: (reply: R) => Transferable[];
}

const entry =
  <A extends unknown[], R>() =>
  <S extends Required<A>['length'] | undefined = undefined>(spec: Omit<RequestEntry<A, R, S>, typeof signature> = {}): RequestEntry<A, R, S> =>
    spec;

export const REQUESTS = {
  /** Starts the backend (`backends` forces a try order; without it Auto picks the fastest measured) and loads the digits. */
  init: entry<[dataUrl: string, backends?: readonly BackendName[], auto?: AutoOptions], BackendStatus>()({}),
  /**
   * The shipped teacher (or a fresh one, with a warning), its tokens and their masks when shipped
   * (or `options.tokens` in their place), a fresh student. Built beside the current demo, which
   * stays when anything fails.
   */
  loadDemo: entry<[task: Task, options?: LoadDemoOptions, base?: string], DemoLoaded>()({
    use: 'load',
    what: 'loading the demo',
    transferReply: (r) => snapshotTransfer(r.snapshot),
  }),
  /** Stage 1: receptive tokens learnt on the frozen teacher. */
  learnMasks: entry<[config: MaskStageConfig], MasksResult>()({ use: 'run', what: 'mask learning', streams: 1 }),
  /** Stage 2 with one method (tokens frozen). */
  distill: entry<[config: DistillConfig], DistillResult>()({ use: 'run', what: 'distillation', streams: 1 }),
  /** Stage 2 for each method in turn from the same student init, data order and budget. */
  compare: entry<[methods: readonly MethodName[], config: CompareConfig], CompareRow[]>()({
    use: 'run',
    what: 'the comparison',
    streams: 2,
  }),
  /** A demo net on the digit scenes, or (`source: 'custom'`) a teacher on the loaded dataset, which then becomes the session's. */
  trainTeacher: entry<[request: TrainTeacherRequest], TeacherResult>()({
    use: 'run',
    what: 'teacher training',
    streams: 1,
    transferReply: (r) => [r.artifacts.weightData, ...r.optimizer.map((o) => o.data.buffer as ArrayBuffer), ...snapshotTransfer(r.loaded?.snapshot)],
  }),
  /** Masks of the fixed preview scenes with the current tokens. */
  snapshotMasks: entry<[], MaskSnapshot>()({ transferReply: snapshotTransfer }),
  /** The current tokens (+ branch) in the `models/<task>-teacher/tokens.json` format. */
  exportTokens: entry<[], TokensFile>()({}),
  /** Replaces the session's tokens (+ branch, + preview scenes) with imported ones; the reply carries their masks. */
  setTokens: entry<[request: SetTokensRequest], TokensSet>()({ use: 'run', what: 'replacing the tokens', transferReply: (r) => snapshotTransfer(r.snapshot) }),
  /** The current student and the align module of the last distillation, as tfjs artifacts. */
  exportStudent: entry<[], StudentExport>()({ transferReply: (r) => [r.student.weightData] }),
  /** The current student as .onnx (its own graph, trained weights); refused unless it came in as .onnx. */
  exportStudentOnnx: entry<[], StudentOnnxExport>()({ transferReply: (r) => [r.bytes] }),
  /** The last stage-2 state as a PyTorch run bundle (.zip); refused with the reason (a layer by name) before anything is built. */
  exportPytorch: entry<[], PytorchExport>()({ transferReply: (r) => [r.bytes] }),
  /** Parses dropped dataset files; refuses with a message naming the file and the problem (the loaded one stays). */
  loadDataset: entry<[files: readonly DatasetFileData[], options?: LoadDatasetOptions], DatasetSummary>()({
    use: 'load',
    what: 'loading the dataset',
    transferArgs: ([files]) => files.map((f) => f.data),
  }),
  /** Stops dataset load `loadId` (and any earlier one) after the image it is decoding, or before it starts; the load fails and the loaded dataset stays. */
  cancelDatasetLoad: entry<[loadId: number], void>()({}),
  /** The running loop waits after its current step. */
  pause: entry<[], void>()({}),
  resume: entry<[], void>()({}),
  /** While paused: exactly one more step. */
  stepOnce: entry<[], void>()({}),
  /** Ends the running stage after its current step; its reply then says `stopped`. */
  stop: entry<[], void>()({}),
  /** Validation metric of the current student and/or teacher on the fixed validation scenes. */
  evaluate: entry<[target?: EvaluateTarget, valCount?: number], EvaluateResult>()({}),
  /** What each token attends to over `count` validation scenes (default 256 at 64×64, fewer for larger inputs): mean mask per class, area, live or not, pairwise Dice, token weights. */
  tokenReport: entry<[count?: number], TokenReport>()({}),
  /** The run's state as plain data (after the current step while training; else the latest checkpoint). */
  exportState: entry<[], Checkpoint>()({ transferReply: checkpointTransfer }),
  /** The checkpoint an interrupted run left in IndexedDB, summarised; null when none. */
  findCheckpoint: entry<[], CheckpointInfo | null>()({}),
  discardCheckpoint: entry<[], void>()({}),
  /** Continues the stored run exactly where it was checkpointed (loading its demo when another is loaded). */
  resumeCheckpoint: entry<[base?: string], ResumeResult>()({ use: 'run', what: 'the resumed run', streams: 1 }),
  /**
   * A stage-2 checkpoint from a run file (train.py's way back) becomes the session's last one:
   * checked against the demo's student and align module by name and shape (loading its demo beside
   * the current one when another is loaded) before anything changes; its student and tokens are
   * then the session's, and Export and distillFurther start from it.
   */
  installCheckpoint: entry<[checkpoint: Checkpoint, base?: string], CheckpointInstalled>()({
    use: 'load',
    what: 'installing the checkpoint',
    transferArgs: ([c]) => checkpointTransfer(c),
    transferReply: (r) => [...snapshotTransfer(r.loaded?.snapshot), ...snapshotTransfer(r.tokens?.snapshot)],
  }),
  /** Continues the session's last stage-2 checkpoint (e.g. an installed one) with its own method and settings up to `steps`. */
  distillFurther: entry<[steps: number], DistillResult>()({ use: 'run', what: 'distillation', streams: 1 }),
  /** Whether a run is in progress, paused, and at which step: what a test waits for instead of polling the page. */
  runState: entry<[], RunState>()({}),
  /** The base learning rate of the run in progress (e.g. lowered after a non-finite pause). */
  setLearningRate: entry<[lr: number], void>()({}),
  /** The worker's tensor count and bytes now: a refused import must leave them where they were. */
  memory: entry<[], EngineMemory>()({}),
  /** The current student's first output on `input` (NHWC float32), evaluation mode: what a test compares with another runtime (ONNX Runtime). */
  studentOutput: entry<[input: FloatArray], FloatArray>()({ transferArgs: ([x]) => [x.data.buffer as ArrayBuffer], transferReply: (r) => [r.data.buffer as ArrayBuffer] }),
  /** Test hook: the next training step's loss becomes NaN (the run pauses on it). */
  debugInjectNonFinite: entry<[], void>()({}),
  /** Test hook: the next models' probe workers crash mid-check or hang (null: they run as they should). */
  debugProbeWorker: entry<[mode: 'crash' | 'hang' | null], void>()({}),
  /** Test hook: destroys the WebGPU device mid-run, as a driver reset would. */
  debugLoseDevice: entry<[], void>()({}),
  /** The user's teacher and/or student (files as bytes); the current ones stay when this fails. */
  loadModels: entry<[request: LoadModelsRequest], ModelsLoaded>()({
    use: 'load',
    what: 'loading models',
    transferArgs: ([r]) => [...(r.teacher?.files ?? []), ...(r.student?.files ?? [])].map((f) => f.data),
  }),
  /** Stops the check of a dropped or fetched model in its probe worker; the load then fails and nothing changes. */
  cancelModelProbe: entry<[], void>()({}),
  /** Splits a loaded user model at another layer. */
  setTap: entry<[role: ModelRole, layer: string], ModelsLoaded>()({ use: 'load', what: 'changing the tap layer' }),
  /** Loads the user's graph teacher again with another input value range or layout (its tap kept when it still qualifies). */
  setTeacherInput: entry<[input: NonNullable<UserModelFiles['input']>], ModelsLoaded>()({ use: 'load', what: 'changing the teacher’s input' }),
} as const;

export type Requests = typeof REQUESTS;
export type RequestName = keyof Requests;
type Signature<K extends RequestName> = NonNullable<Requests[K][typeof signature]>;
export type Args<K extends RequestName> = Signature<K>['args'];
export type Reply<K extends RequestName> = Signature<K>['reply'];
type Streams<K extends RequestName> = Requests[K] extends RequestEntry<infer _A, infer _R, infer S> ? (S extends number ? true : false) : false;
type Answer<K extends RequestName> = Promise<Reply<K>> | Reply<K>;

/** The engine as callers see it: one method per request; a streaming one takes its handlers last. */
export type EngineApi = {
  [K in RequestName]: Streams<K> extends true ? (...args: [...Args<K>, handlers?: RunHandlers]) => Promise<Reply<K>> : (...args: Args<K>) => Promise<Reply<K>>;
};

/**
 * The engine's side: one handler per request, called with its arguments; a streaming one first
 * gets its request's id, which the run's events carry. The session implements it (a stub in tests).
 */
export type EngineHandlers = {
  readonly [K in RequestName]: Streams<K> extends true ? (id: number, ...args: Args<K>) => Answer<K> : (...args: Args<K>) => Answer<K>;
};

/** Page → worker. */
export interface RequestMessage {
  readonly type: 'request';
  readonly id: number;
  readonly name: RequestName;
  readonly args: readonly unknown[];
}

/** Worker → page: a reply, a failed request, or an event. */
export type WorkerMessage =
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | EngineEvent;

/** After how many arguments a streaming request's handlers come (undefined: it does not stream). */
export const streamsAfter = (name: RequestName): number | undefined => (REQUESTS[name] as { readonly streams?: number }).streams;

/** A call's arguments, and the handlers a streaming request takes after them. */
export function splitHandlers(name: RequestName, args: readonly unknown[]): { args: unknown[]; handlers: RunHandlers } {
  const at = streamsAfter(name);
  if (at === undefined) return { args: [...args], handlers: {} };
  return { args: args.slice(0, at), handlers: (args[at] as RunHandlers | undefined) ?? {} };
}

export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];
