// Page-side handle on the training worker: sends commands, turns replies into promises and
// progress callbacks. Holds no tensors.
import type { MethodName } from '../maskd/methods';
import type { Task } from '../models/nets';
import type { BackendName, BackendStatus, BackendTiming } from '../backends/types';
import type {
  CompareConfig,
  CompareRow,
  DatasetFileData,
  DatasetSummary,
  DemoLoaded,
  DistillConfig,
  DistillResult,
  EngineCommand,
  EngineEvent,
  LoadDatasetOptions,
  LoadDemoOptions,
  MaskSnapshot,
  MaskStageConfig,
  MasksResult,
  ModelArtifactsData,
  NamedArray,
  PauseInfo,
  RunProgress,
  SetTokensRequest,
  StudentExport,
  TrainProgress,
  TokensFile,
  TokensSet,
  TrainTeacherRequest,
  EvaluateResult,
  EvaluateTarget,
  ResumeResult,
  LoadModelsRequest,
  ModelRole,
  ModelsLoaded,
} from './protocol';
import type { Checkpoint, CheckpointInfo } from './checkpoint';

export type { CompareConfig, CompareRow, DemoLoaded, DistillResult, LoadDemoOptions, MasksResult, PauseInfo, TokensFile } from './protocol';
export type { EvaluateResult, EvaluateTarget, ResumeResult } from './protocol';

export interface TeacherResult {
  readonly artifacts: ModelArtifactsData;
  readonly optimizer: readonly NamedArray[];
  readonly step: number;
  readonly metric: number;
  readonly stopped: boolean;
  /** For `source: 'custom'`: the trained teacher is now the engine's, with a fresh student. */
  readonly loaded?: DemoLoaded;
}

/** Callbacks of a stage run. Progress arrives ≤ ~4/s, snapshots ≤ ~1/s (throttled in the worker). */
export interface RunHandlers {
  onProgress?(p: RunProgress): void;
  onSnapshot?(s: MaskSnapshot): void;
}

export interface CompareHandlers extends RunHandlers {
  /** One finished method of the comparison, in order. */
  onMethodDone?(row: CompareRow): void;
}

/** Auto's calibration: the demo whose step is timed, and whether to measure again. */
export interface AutoOptions {
  readonly task?: Task;
  readonly remeasure?: boolean;
}

type DoneEvent = Extract<EngineEvent, { id: number }>;

interface Pending {
  /** Settles the request on its own completion event; returns false for events it ignores. */
  settle(ev: DoneEvent): boolean;
  reject(err: Error): void;
  onTeacherProgress?: (p: TrainProgress) => void;
  handlers?: CompareHandlers;
}

/** The app root as an absolute URL (the worker resolves relative URLs against its own script). */
function defaultBase(): string {
  const base = typeof import.meta.env?.BASE_URL === 'string' ? import.meta.env.BASE_URL : '/';
  return typeof location === 'undefined' ? base : new URL(base, location.href).href;
}

export class EngineClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Each init gets one 'ready' (or error) reply, in order. */
  private readonly readyWaiters: { resolve(s: BackendStatus): void; reject(e: Error): void }[] = [];
  terminated = false;
  /** Engine errors not tied to a request (a failed command, a lost device). */
  onError: (message: string) => void = () => {};
  /** Non-fatal notices: mask collapse, a run paused on a non-finite loss, a missing shipped file. */
  onWarning: (message: string) => void = () => {};
  /** The loop paused or resumed (by the user, or on a non-finite loss with `reason`). */
  onPauseChange: (info: PauseInfo) => void = () => {};
  /** The engine moved to another backend mid-session (the WebGPU device was lost). */
  onBackendChange: (status: BackendStatus, reason: string) => void = () => {};
  /** Auto's calibration: the figures so far and the backend being timed (null when done). */
  onCalibrating: (timings: readonly BackendTiming[], measuring: BackendName | null) => void = () => {};

  constructor(worker?: Worker) {
    this.worker = worker ?? new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'maskd-engine' });
    this.worker.onmessage = (e: MessageEvent<EngineEvent>) => this.receive(e.data);
    this.worker.onerror = (e) => this.failAll(`the training worker crashed: ${e.message}`);
  }

  /**
   * Starts the backend: `backends` forces a try order; without it Auto picks the fastest measured
   * on this device (timing `auto.task`'s step, or remembered from an earlier visit).
   */
  init(dataUrl: string, backends?: readonly BackendName[], auto: AutoOptions = {}): Promise<BackendStatus> {
    return new Promise((resolve, reject) => {
      this.readyWaiters.push({ resolve, reject });
      this.send({ type: 'init', dataUrl, backends, task: auto.task, remeasure: auto.remeasure });
    });
  }

  /** Shipped teacher (or a fresh one, with a warning), its tokens when shipped, a fresh student. */
  loadDemo(task: Task, options: LoadDemoOptions = {}, base: string = defaultBase()): Promise<DemoLoaded> {
    return this.request((id) => ({ type: 'loadDemo', id, task, base, options }), (ev) => (ev.type === 'demoLoaded' ? ev.result : undefined));
  }

  /** Stage 1: learns receptive tokens on the frozen teacher. */
  learnMasks(config: MaskStageConfig, handlers: RunHandlers = {}): Promise<MasksResult> {
    return this.request((id) => ({ type: 'learnMasks', id, config }), (ev) => (ev.type === 'masksDone' ? ev.result : undefined), handlers);
  }

  /** Stage 2: trains the student with one distillation method (tokens frozen). */
  distill(config: DistillConfig, handlers: RunHandlers = {}): Promise<DistillResult> {
    return this.request((id) => ({ type: 'distill', id, config }), (ev) => (ev.type === 'distillDone' ? ev.result : undefined), handlers);
  }

  /** Stage 2 for each method in turn from the same student init, data order and budget. */
  compare(methods: readonly MethodName[], config: CompareConfig, handlers: CompareHandlers = {}): Promise<CompareRow[]> {
    return this.request(
      (id) => ({ type: 'compare', id, methods, config }),
      (ev) => (ev.type === 'compareDone' ? [...ev.rows] : undefined),
      handlers,
    );
  }

  /** Masks of the fixed preview scenes with the current tokens. */
  snapshotMasks(): Promise<MaskSnapshot> {
    return this.request((id) => ({ type: 'snapshotMasks', id }), (ev) => (ev.type === 'snapshot' ? ev.snapshot : undefined));
  }

  /** The current tokens (+ branch) in the `models/<task>-teacher/tokens.json` format. */
  exportTokens(): Promise<TokensFile> {
    return this.request((id) => ({ type: 'exportTokens', id }), (ev) => (ev.type === 'tokensExported' ? ev.file : undefined));
  }

  /** Replaces the session's tokens (+ branch, + preview scenes) with imported ones; snapshot afterwards to draw them. */
  setTokens(request: SetTokensRequest): Promise<TokensSet> {
    return this.request((id) => ({ type: 'setTokens', id, request }), (ev) => (ev.type === 'tokensSet' ? ev.result : undefined));
  }

  /** The current student and the align module of the last distillation, as tfjs artifacts. */
  exportStudent(): Promise<StudentExport> {
    return this.request((id) => ({ type: 'exportStudent', id }), (ev) => (ev.type === 'studentExported' ? ev.result : undefined));
  }

  trainTeacher(request: TrainTeacherRequest, onProgress?: (p: TrainProgress) => void): Promise<TeacherResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        reject,
        onTeacherProgress: onProgress,
        settle: (ev) => {
          if (ev.type !== 'teacherDone') return false;
          resolve({ artifacts: ev.artifacts, optimizer: ev.optimizer, step: ev.step, metric: ev.metric, stopped: ev.stopped, loaded: ev.loaded });
          return true;
        },
      });
      this.send({ type: 'trainTeacher', id, request });
    });
  }

  /** Parses dropped dataset files in the worker; rejects with a message naming the file and the problem. */
  loadDataset(files: readonly DatasetFileData[], options: LoadDatasetOptions = {}): Promise<DatasetSummary> {
    return this.request((id) => ({ type: 'loadDataset', id, files, options }), (ev) => (ev.type === 'datasetLoaded' ? ev.summary : undefined));
  }

  /** The running loop waits after its current step. */
  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  /** While paused: run exactly one step, then stay paused. */
  stepOnce(): void {
    this.send({ type: 'stepOnce' });
  }

  /** Ends the running stage after its current step; its promise resolves with `stopped: true`. */
  stop(): void {
    this.send({ type: 'stop' });
  }

  /** Validation metric of the current student and/or teacher on the fixed validation scenes. */
  evaluate(target: EvaluateTarget = 'both', valCount?: number): Promise<EvaluateResult> {
    return this.request((id) => ({ type: 'evaluate', id, target, valCount }), (ev) => (ev.type === 'evaluated' ? ev.result : undefined));
  }

  /** The run's state as plain data (after the current step while training; else the latest checkpoint). */
  exportState(): Promise<Checkpoint> {
    return this.request((id) => ({ type: 'exportState', id }), (ev) => (ev.type === 'stateExported' ? ev.checkpoint : undefined));
  }

  /** The checkpoint stored in IndexedDB by an interrupted run, summarised (null when none). */
  findCheckpoint(): Promise<CheckpointInfo | null> {
    return this.request((id) => ({ type: 'findCheckpoint', id }), (ev) => (ev.type === 'checkpointFound' ? { info: ev.info } : undefined)).then((r) => r.info);
  }

  discardCheckpoint(): Promise<void> {
    return this.request((id) => ({ type: 'discardCheckpoint', id }), (ev) => (ev.type === 'checkpointDiscarded' ? true : undefined)).then(() => {});
  }

  /** Continues the stored run exactly where it was checkpointed; resolves when it ends. */
  resumeCheckpoint(handlers: CompareHandlers = {}, base: string = defaultBase()): Promise<ResumeResult> {
    return this.request((id) => ({ type: 'resumeCheckpoint', id, base }), (ev) => (ev.type === 'resumeDone' ? ev.result : undefined), handlers);
  }

  /** The base learning rate of the run in progress (e.g. lowered after a non-finite pause). */
  setLearningRate(lr: number): void {
    this.send({ type: 'setLearningRate', lr });
  }

  /** Test hook: the next training step's loss becomes NaN (the run pauses on it). */
  debugInjectNonFinite(): void {
    this.send({ type: 'debugInjectNonFinite' });
  }

  /** Test hook: destroys the worker's WebGPU device mid-run, as a driver reset would. */
  debugLoseDevice(): void {
    this.send({ type: 'debugLoseDevice' });
  }

  terminate(): void {
    this.terminated = true;
    this.worker.terminate();
    this.failAll('the engine was shut down');
  }

  /** The user's teacher and/or student (files as bytes, transferred); the current ones stay on error. */
  loadModels(request: LoadModelsRequest): Promise<ModelsLoaded> {
    const transfer = [...(request.teacher?.files ?? []), ...(request.student?.files ?? [])].map((f) => f.data);
    return this.request(
      (id) => ({ type: 'loadModels', id, request }),
      (ev) => (ev.type === 'modelsLoaded' ? ev.result : undefined),
      undefined,
      transfer,
    );
  }

  /** Splits a loaded user model at another layer. */
  setTap(role: ModelRole, layer: string): Promise<ModelsLoaded> {
    return this.request((id) => ({ type: 'setTap', id, role, layer }), (ev) => (ev.type === 'modelsLoaded' ? ev.result : undefined));
  }

  private request<R>(
    make: (id: number) => EngineCommand,
    pick: (ev: DoneEvent) => R | undefined,
    handlers?: CompareHandlers,
    transfer: Transferable[] = [],
  ): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, {
        reject,
        handlers,
        settle: (ev) => {
          const r = pick(ev);
          if (r === undefined) return false;
          resolve(r);
          return true;
        },
      });
      this.send(make(id), transfer);
    });
  }

  private send(cmd: EngineCommand, transfer: Transferable[] = []): void {
    this.worker.postMessage(cmd, transfer);
  }

  private receive(ev: EngineEvent): void {
    switch (ev.type) {
      case 'calibrating':
        this.onCalibrating(ev.timings, ev.measuring);
        return;
      case 'ready':
        this.readyWaiters.shift()?.resolve(ev.status);
        return;
      case 'progress':
        this.pending.get(ev.progress.id)?.onTeacherProgress?.(ev.progress);
        return;
      case 'runProgress':
        this.pending.get(ev.id)?.handlers?.onProgress?.(ev.progress);
        return;
      case 'compareRow':
        this.pending.get(ev.id)?.handlers?.onMethodDone?.(ev.row);
        return;
      case 'snapshot': {
        const p = this.pending.get(ev.id);
        // A stage's periodic snapshot goes to its handler; a snapshotMasks request settles.
        if (p?.handlers?.onSnapshot) p.handlers.onSnapshot(ev.snapshot);
        else if (p?.settle(ev)) this.pending.delete(ev.id);
        return;
      }
      case 'pauseState':
        this.onPauseChange(ev.info);
        return;
      case 'warning':
        this.onWarning(ev.message);
        return;
      case 'backendChanged':
        this.onBackendChange(ev.status, ev.reason);
        return;
      case 'error': {
        const p = ev.id === undefined ? undefined : this.pending.get(ev.id);
        if (p && ev.id !== undefined) {
          this.pending.delete(ev.id);
          p.reject(new Error(ev.message));
        } else if (this.readyWaiters.length) {
          this.readyWaiters.shift()?.reject(new Error(ev.message));
        } else {
          this.onError(ev.message);
        }
        return;
      }
      default: {
        const p = this.pending.get(ev.id);
        if (p?.settle(ev)) this.pending.delete(ev.id);
      }
    }
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
    for (const w of this.readyWaiters.splice(0)) w.reject(new Error(message));
    if (this.terminated) return;
    this.onError(message);
  }
}
