// The engine in Node (the scripts): what the worker runs (EngineSession for the stages, the digit
// teacher loop for teachers), called directly with EngineClient's method names and callbacks, so
// a script drives Node and the page alike. Digits come from public/data/digits.bin and the shipped
// teacher and tokens from public/models/ on disk; nothing is fetched. Node only (node:fs).
import type { MethodName } from '../maskd/methods';
import type { Task } from '../models/nets';
import { loadDigitsNode } from '../data/digitsNode';
import type { BackendName, BackendStatus } from './backend';
import { trainDigitTeacher, type DigitTeacherRun } from './digitTeacher';
import { startEngineBackend } from './engineBackend';
import { EngineSession } from './engineSession';
import { fileFetch, PUBLIC_URL } from './fileFetch';
import type {
  CompareConfig,
  CompareRow,
  DemoLoaded,
  DistillConfig,
  DistillResult,
  EngineEvent,
  LoadDemoOptions,
  MaskSnapshot,
  MaskStageConfig,
  MasksResult,
  RunProgress,
  TokensFile,
  TrainProgress,
  TrainTeacherRequest,
} from './protocol';

export interface NodeRunHandlers {
  onProgress?(p: RunProgress): void;
  onSnapshot?(s: MaskSnapshot): void;
  /** One finished method of a comparison, in order. */
  onMethodDone?(row: CompareRow): void;
}

export class NodeEngine {
  private readonly session = new EngineSession((e) => this.receive(e));
  private nextId = 1;
  /** Handlers of the run in progress, keyed by its request id. */
  private readonly handlers = new Map<number, NodeRunHandlers>();
  /** Non-fatal notices: mask collapse, a run paused on a non-finite loss, a missing shipped file. */
  onWarning: (message: string) => void = () => {};

  constructor() {
    this.session.fetchFunc = fileFetch;
  }

  /** Starts the first backend of `backends` that initialises (wasm or cpu in Node) as the worker's init does, and loads the digits. */
  async init(backends: readonly BackendName[]): Promise<BackendStatus> {
    const { status, fallbackOrder } = await startEngineBackend({ backends }, null);
    this.session.fallbackOrder = fallbackOrder;
    this.session.pools ??= loadDigitsNode();
    return status;
  }

  /** The shipped teacher under `base` (public/ by default) and its tokens, and a fresh student. */
  loadDemo(task: Task, options: LoadDemoOptions = {}, base: string = PUBLIC_URL): Promise<DemoLoaded> {
    return this.session.loadDemo(task, base, options);
  }

  learnMasks(config: MaskStageConfig, handlers: NodeRunHandlers = {}): Promise<MasksResult> {
    return this.run(handlers, (id) => this.session.learnMasks(id, config));
  }

  distill(config: DistillConfig, handlers: NodeRunHandlers = {}): Promise<DistillResult> {
    return this.run(handlers, (id) => this.session.distill(id, config));
  }

  compare(methods: readonly MethodName[], config: CompareConfig, handlers: NodeRunHandlers = {}): Promise<CompareRow[]> {
    return this.run(handlers, (id) => this.session.compare(id, methods, config));
  }

  exportTokens(): Promise<TokensFile> {
    return this.session.exportTokens();
  }

  /** A demo net on the digit scenes, as the worker's 'trainTeacher' (custom datasets are the page's). */
  trainTeacher(request: TrainTeacherRequest, onProgress: (p: TrainProgress) => void = () => {}): Promise<DigitTeacherRun> {
    if (request.source === 'custom') throw new Error('NodeEngine trains on the digit scenes only');
    const pools = this.session.pools;
    if (!pools) throw new Error('the engine has no data yet: call init first');
    return trainDigitTeacher(this.nextId++, pools, request, onProgress);
  }

  dispose(): void {
    this.session.dispose();
  }

  private async run<T>(handlers: NodeRunHandlers, body: (id: number) => Promise<T>): Promise<T> {
    const id = this.nextId++;
    this.handlers.set(id, handlers);
    try {
      return await body(id);
    } finally {
      this.handlers.delete(id);
    }
  }

  private receive(ev: EngineEvent): void {
    switch (ev.type) {
      case 'runProgress':
        this.handlers.get(ev.id)?.onProgress?.(ev.progress);
        return;
      case 'snapshot':
        this.handlers.get(ev.id)?.onSnapshot?.(ev.snapshot);
        return;
      case 'compareRow':
        this.handlers.get(ev.id)?.onMethodDone?.(ev.row);
        return;
      case 'warning':
        this.onWarning(ev.message);
        return;
      default:
    }
  }
}
