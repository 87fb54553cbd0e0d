// The engine's side of the contract: one handler per request (what the session does for it), and
// the dispatcher that runs them in order — every request that uses the session waits for the
// backend to have started, a run is refused while another runs, loads take turns. The worker
// wires it to postMessage; the Node scripts call it in-process (./localEngine.ts).
import type { DigitPools } from '../data/digits';
import type { CalibrationHost } from '../backends/calibration/calibrate';
import { REQUESTS, type Args, type Reply, type RequestMessage, type RequestName, type WorkerMessage } from '../engine/contract';
import type { Task } from '../models/nets';
import { errorText } from '../errorText';
import { startEngineBackend } from './engineBackend';
import type { EngineSession } from './engineSession';

export interface EngineEnv {
  /** The digit pools behind `dataUrl` (the worker fetches them; Node reads public/ on disk). */
  loadDigits(dataUrl: string): Promise<DigitPools>;
  /** Auto's calibration, where backends can be timed (a browser); null elsewhere. */
  calibrationHost(task: Task): CalibrationHost | null;
  /** The app root the shipped models load from when a request names none. */
  readonly defaultBase: string;
  /** Called after each backend start (the worker watches a WebGPU device for loss). */
  onBackendStarted?(): void;
}

export type RequestHandlers = { readonly [K in RequestName]: (args: Args<K>, id: number) => Promise<Reply<K>> | Reply<K> };

/** What the session does for each request. */
export function engineHandlers(session: EngineSession, env: EngineEnv): RequestHandlers {
  return {
    init: async ([dataUrl, backends, auto]) => {
      // Auto measures (or remembers) with the host; a forced order still shows the remembered figures.
      const host = env.calibrationHost(auto?.task ?? 'segmentation');
      const { status, fallbackOrder } = await startEngineBackend({ backends, task: auto?.task, remeasure: auto?.remeasure }, host);
      session.fallbackOrder = fallbackOrder;
      env.onBackendStarted?.();
      session.pools ??= await env.loadDigits(dataUrl);
      return status;
    },
    loadDemo: ([task, options, base]) => session.loadDemo(task, base ?? env.defaultBase, options),
    learnMasks: ([config], id) => session.learnMasks(id, config),
    distill: ([config], id) => session.distill(id, config),
    compare: ([methods, config], id) => session.compare(id, methods, config),
    trainTeacher: ([request], id) => session.trainTeacher(id, request),
    snapshotMasks: () => session.snapshot(),
    exportTokens: () => session.exportTokens(),
    setTokens: ([request]) => session.setTokens(request),
    exportStudent: () => session.exportStudent(),
    loadDataset: ([files, options]) => session.loadDataset(files, options),
    pause: () => session.control.pause(),
    resume: () => session.control.resume(),
    stepOnce: () => session.control.stepOnce(),
    stop: () => session.control.stop(),
    evaluate: ([target, valCount]) => session.evaluate(target ?? 'both', valCount),
    tokenReport: ([count]) => session.tokenReport(count),
    exportState: () => session.exportState(),
    findCheckpoint: () => session.findCheckpoint(),
    discardCheckpoint: () => session.discardCheckpoint(),
    resumeCheckpoint: ([base], id) => session.resumeStored(id, base ?? env.defaultBase),
    setLearningRate: ([lr]) => session.setLearningRate(lr),
    memory: () => session.memory(),
    debugInjectNonFinite: () => session.injectNonFinite(),
    debugLoseDevice: () => session.loseDevice(),
    loadModels: ([request]) => session.loadModels(request),
    setTap: ([role, layer]) => session.setTap(role, layer),
    setTeacherInput: ([input]) => session.setTeacherInput(input),
  };
}

/** Runs requests against the handlers and answers each one with its reply or why it failed. */
export class EngineDispatcher {
  /** The run in progress (one at a time), or the load holding the session. */
  private holder: { readonly id: number; readonly what: string; readonly run: boolean } | null = null;
  private turn: Promise<void> = Promise.resolve();
  private inits: Promise<void> = Promise.resolve();
  /** Settles when the latest init has; requests that use the session wait for it. */
  private started: Promise<void> | null = null;
  private startedResolve: (() => void) | null = null;

  constructor(
    private readonly handlers: RequestHandlers,
    private readonly answer: (m: WorkerMessage, transfer?: Transferable[]) => void,
  ) {
    this.started = new Promise((resolve) => (this.startedResolve = resolve));
  }

  /** True while a run holds the session (the device-loss watch leaves runs to recover themselves). */
  get busy(): boolean {
    return this.holder?.run ?? false;
  }

  handle(m: RequestMessage): Promise<void> {
    const spec: { readonly use?: 'run' | 'load'; readonly what?: string } = REQUESTS[m.name];
    if (m.name === 'init') return this.init(m);
    if (!spec.use) return this.call(m);
    if (this.holder?.run) {
      const message = `cannot start ${spec.what ?? m.name}: another run (${this.holder.what}) is in progress; stop it first`;
      this.answer({ type: 'failed', id: m.id, message });
      return Promise.resolve();
    }
    const run = spec.use === 'run';
    // A run claims the session at once (a second run is refused); a load waits its turn.
    const claim = { id: m.id, what: spec.what ?? m.name, run };
    if (run) this.holder = claim;
    const mine = this.turn.then(async () => {
      await this.started;
      this.holder = claim;
      try {
        await this.call(m);
      } finally {
        if (this.holder === claim) this.holder = null;
      }
    });
    this.turn = mine.catch(() => {});
    return mine;
  }

  /** Inits run one after another (two at once would race in tf.setBackend); the others wait for the latest. */
  private init(m: RequestMessage): Promise<void> {
    const run = this.inits.then(() => this.call(m, () => this.startedResolve?.()));
    this.inits = run.catch(() => {});
    return run;
  }

  private async call(m: RequestMessage, onSuccess?: () => void): Promise<void> {
    const handler = this.handlers[m.name] as (args: readonly unknown[], id: number) => unknown;
    try {
      const value = await handler(m.args, m.id);
      onSuccess?.();
      const spec: { readonly transferReply?: (r: never) => Transferable[] } = REQUESTS[m.name];
      this.answer({ type: 'reply', id: m.id, value }, value === undefined ? [] : (spec.transferReply?.(value as never) ?? []));
    } catch (err) {
      this.answer({ type: 'failed', id: m.id, message: errorText(err) });
    }
  }
}
