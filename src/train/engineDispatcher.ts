// The contract's rules, kept for any handler map (the session, or a stub in tests): requests that
// use the session wait for the backend to have started, a run is refused while another runs,
// loads take turns, the rest are answered at once, and a failure is answered as `failed`.
import { REQUESTS, streamsAfter, type EngineHandlers, type RequestMessage, type WorkerMessage } from '../engine/contract';
import { errorText } from '../errorText';

export class EngineDispatcher {
  /** The run in progress (one at a time), or the load holding the session. */
  private holder: { readonly id: number; readonly what: string; readonly run: boolean } | null = null;
  private turn: Promise<void> = Promise.resolve();
  private inits: Promise<void> = Promise.resolve();
  /** Settles when the first init has succeeded; requests that use the session wait for it. */
  private readonly started: Promise<void>;
  private startedResolve: (() => void) | null = null;

  constructor(
    private readonly handlers: EngineHandlers,
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
    const handler = this.handlers[m.name] as (...args: unknown[]) => unknown;
    // A streaming request's handler gets the request's id first (its run's events carry it).
    const args = streamsAfter(m.name) === undefined ? m.args : [m.id, ...m.args];
    try {
      const value = await handler.apply(this.handlers, [...args]);
      onSuccess?.();
      const spec: { readonly transferReply?: (r: never) => Transferable[] } = REQUESTS[m.name];
      this.answer({ type: 'reply', id: m.id, value }, value === undefined ? [] : (spec.transferReply?.(value as never) ?? []));
    } catch (err) {
      this.answer({ type: 'failed', id: m.id, message: errorText(err) });
    }
  }
}
