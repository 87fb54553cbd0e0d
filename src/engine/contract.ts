// The page ↔ worker contract, declared once: every request with its arguments and its reply, and
// every event the engine sends on its own. The worker's dispatcher (src/train/worker.ts, through
// src/train/engineHandlers.ts), the page's client (./client.ts), the in-process engine of the Node
// scripts (src/train/localEngine.ts) and the store tests' fake (src/state/testing/fakeEngine.ts)
// are all typed from these two maps: adding a command is one entry here and one handler there.
import type { MethodName } from '../maskd/methods';
import type { Task } from '../models/nets';
import type { BackendName, BackendStatus, BackendTiming } from '../backends/types';
import { checkpointTransfer, type Checkpoint, type CheckpointInfo } from './checkpoint';
import { snapshotTransfer } from './transfer';
import type { DatasetFileData, DatasetSummary, LoadDatasetOptions } from './datasets';
import type { EvaluateResult, EvaluateTarget } from './evaluation';
import type { DemoLoaded, LoadDemoOptions, StudentExport } from './models';
import type { MaskSnapshot, PauseInfo, RunProgress } from './progress';
import type { CompareConfig, DistillConfig, MaskStageConfig, TrainTeacherRequest } from './runConfigs';
import type { CompareRow, DistillResult, MasksResult, ResumeResult, TeacherResult } from './runResults';
import type { AutoOptions, EngineMemory } from './session';
import type { SetTokensRequest, TokenReport, TokensFile, TokensSet } from './tokens';
import type { LoadModelsRequest, ModelRole, ModelsLoaded, UserModelFiles } from './userModels';
import type { EngineWarning } from './warnings';

/** How a request uses the session: a run trains (one at a time), a load replaces models or data. */
export type RequestUse = 'run' | 'load';

declare const signature: unique symbol;

/** One request: its arguments and reply (types only), and what the dispatcher and client need to know. */
export interface RequestEntry<A extends unknown[], R, S extends boolean> {
  readonly [signature]?: { readonly args: A; readonly reply: R };
  /**
   * 'run': refused while another run is in progress ("stop it first"); 'load': waits for the one
   * before it. Either waits for the backend to have started. Absent: answered at once.
   */
  readonly use?: RequestUse;
  /** How a refusal names it, e.g. "mask learning". */
  readonly what?: string;
  /** The run's progress, snapshots and comparison rows go to handlers passed after the arguments. */
  readonly streams?: S;
  /** With `streams`: how many arguments come before the handlers. */
  readonly handlersAt?: number;
  /** ArrayBuffers moved (not copied) to the worker with the arguments. */
  readonly transferArgs?: (args: A) => Transferable[];
  /** ArrayBuffers moved to the page with the reply. */
  readonly transferReply?: (reply: R) => Transferable[];
}

const entry =
  <A extends unknown[], R>() =>
  <S extends boolean = false>(spec: Omit<RequestEntry<A, R, S>, typeof signature> = {}): RequestEntry<A, R, S> =>
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
  learnMasks: entry<[config: MaskStageConfig], MasksResult>()({ use: 'run', what: 'mask learning', streams: true, handlersAt: 1 }),
  /** Stage 2 with one method (tokens frozen). */
  distill: entry<[config: DistillConfig], DistillResult>()({ use: 'run', what: 'distillation', streams: true, handlersAt: 1 }),
  /** Stage 2 for each method in turn from the same student init, data order and budget. */
  compare: entry<[methods: readonly MethodName[], config: CompareConfig], CompareRow[]>()({
    use: 'run',
    what: 'the comparison',
    streams: true,
    handlersAt: 2,
  }),
  /** A demo net on the digit scenes, or (`source: 'custom'`) a teacher on the loaded dataset, which then becomes the session's. */
  trainTeacher: entry<[request: TrainTeacherRequest], TeacherResult>()({
    use: 'run',
    what: 'teacher training',
    streams: true,
    handlersAt: 1,
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
  /** Parses dropped dataset files; refuses with a message naming the file and the problem (the loaded one stays). */
  loadDataset: entry<[files: readonly DatasetFileData[], options?: LoadDatasetOptions], DatasetSummary>()({
    use: 'load',
    what: 'loading the dataset',
    transferArgs: ([files]) => files.map((f) => f.data),
  }),
  /** The running loop waits after its current step. */
  pause: entry<[], void>()({}),
  resume: entry<[], void>()({}),
  /** While paused: exactly one more step. */
  stepOnce: entry<[], void>()({}),
  /** Ends the running stage after its current step; its reply then says `stopped`. */
  stop: entry<[], void>()({}),
  /** Validation metric of the current student and/or teacher on the fixed validation scenes. */
  evaluate: entry<[target?: EvaluateTarget, valCount?: number], EvaluateResult>()({}),
  /** What each token attends to over `count` test scenes (default 256 at 64×64, fewer for larger inputs): mean mask per class, area, live or not, pairwise Dice. */
  tokenReport: entry<[count?: number], TokenReport>()({}),
  /** The run's state as plain data (after the current step while training; else the latest checkpoint). */
  exportState: entry<[], Checkpoint>()({ transferReply: checkpointTransfer }),
  /** The checkpoint an interrupted run left in IndexedDB, summarised; null when none. */
  findCheckpoint: entry<[], CheckpointInfo | null>()({}),
  discardCheckpoint: entry<[], void>()({}),
  /** Continues the stored run exactly where it was checkpointed (loading its demo when another is loaded). */
  resumeCheckpoint: entry<[base?: string], ResumeResult>()({ use: 'run', what: 'the resumed run', streams: true, handlersAt: 1 }),
  /** The base learning rate of the run in progress (e.g. lowered after a non-finite pause). */
  setLearningRate: entry<[lr: number], void>()({}),
  /** The worker's tensor count and bytes now: a refused import must leave them where they were. */
  memory: entry<[], EngineMemory>()({}),
  /** Test hook: the next training step's loss becomes NaN (the run pauses on it). */
  debugInjectNonFinite: entry<[], void>()({}),
  /** Test hook: destroys the WebGPU device mid-run, as a driver reset would. */
  debugLoseDevice: entry<[], void>()({}),
  /** The user's teacher and/or student (files as bytes); the current ones stay when this fails. */
  loadModels: entry<[request: LoadModelsRequest], ModelsLoaded>()({
    use: 'load',
    what: 'loading models',
    transferArgs: ([r]) => [...(r.teacher?.files ?? []), ...(r.student?.files ?? [])].map((f) => f.data),
  }),
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
type Streams<K extends RequestName> = Requests[K] extends RequestEntry<infer _A, infer _R, infer S> ? S : false;

/** Where a run's own events go on the page (or in a script). */
export interface RunHandlers {
  onProgress?(p: RunProgress): void;
  onSnapshot?(s: MaskSnapshot): void;
  /** One finished method of a comparison, in order. */
  onCompareRow?(row: CompareRow): void;
}

/** The engine as callers see it: one method per request; a streaming one takes its handlers last. */
export type EngineApi = {
  [K in RequestName]: Streams<K> extends true ? (...args: [...Args<K>, handlers?: RunHandlers]) => Promise<Reply<K>> : (...args: Args<K>) => Promise<Reply<K>>;
};

/** The events the engine sends on its own: a run's (with its request id) and the session's. */
export interface EventMap {
  progress: { readonly id: number; readonly progress: RunProgress };
  snapshot: { readonly id: number; readonly snapshot: MaskSnapshot };
  compareRow: { readonly id: number; readonly row: CompareRow };
  /** The loop paused or resumed (by the user, or on a non-finite loss with `reason`). */
  pauseState: { readonly info: PauseInfo };
  /** Said once, with its kind, so the page never guesses it from the words. */
  warning: { readonly warning: EngineWarning };
  /** The engine moved to another backend mid-session (the WebGPU device was lost). */
  backendChanged: { readonly status: BackendStatus; readonly reason: string };
  /** Auto's calibration under way: the figures so far and the backend being timed (null: done). */
  calibrating: { readonly timings: readonly BackendTiming[]; readonly measuring: BackendName | null };
  /** An engine error tied to no request (a failed move off a lost device, a crashed worker). */
  error: { readonly message: string };
}
export type EventName = keyof EventMap;
export type EngineEvent = { [K in EventName]: { readonly type: K } & EventMap[K] }[EventName];

/** The events a run streams to its caller's handlers; the others go to the session's listeners. */
export const RUN_EVENTS = ['progress', 'snapshot', 'compareRow'] as const satisfies readonly EventName[];

/** The session's listeners: one per event that is not a run's, plus errors not tied to a request. */
export interface EngineListeners {
  onPauseState: (info: PauseInfo) => void;
  onWarning: (warning: EngineWarning) => void;
  onBackendChanged: (change: EventMap['backendChanged']) => void;
  onCalibrating: (progress: EventMap['calibrating']) => void;
  /** Engine errors not tied to a request (a crashed worker, a failed move off a lost device). */
  onError: (message: string) => void;
}

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

/** A call's arguments, and the handlers a streaming request takes after them. */
export function splitHandlers(name: RequestName, args: readonly unknown[]): { args: unknown[]; handlers: RunHandlers } {
  const at: number | undefined = (REQUESTS[name] as { readonly handlersAt?: number }).handlersAt;
  if (at === undefined) return { args: [...args], handlers: {} };
  return { args: args.slice(0, at), handlers: (args[at] as RunHandlers | undefined) ?? {} };
}

export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];
