// The page's handle on the training worker, built from the contract: one method per request (a
// promise of its reply), a streaming request's run events to the handlers passed after its
// arguments, and the session's own events to the listeners. Holds no tensors.
import { REQUEST_NAMES, REQUESTS, splitHandlers, type EngineApi, type RequestMessage, type RequestName, type WorkerMessage } from './contract';
import { routeEvent, silentListeners, type EngineListeners, type RunHandlers } from './events';

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  handlers: RunHandlers;
}

/** The methods of EngineApi, one per contract entry, each sending its request. */
function requestMethods(send: (name: RequestName, args: readonly unknown[]) => Promise<unknown>): EngineApi {
  return Object.fromEntries(REQUEST_NAMES.map((name) => [name, (...args: unknown[]) => send(name, args)])) as unknown as EngineApi;
}

/** The worker's end of the wire; the listeners and request methods are added from the contract. */
class ClientCore {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  terminated = false;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => this.receive(e.data);
    worker.onerror = (e) => this.failAll(`the training worker crashed: ${e.message}`);
  }

  terminate(): void {
    this.terminated = true;
    this.worker.terminate();
    this.failAll('the engine was shut down');
  }

  send(name: RequestName, callArgs: readonly unknown[]): Promise<unknown> {
    if (this.terminated) return Promise.reject(new Error('the engine was shut down'));
    const { args, handlers } = splitHandlers(name, callArgs);
    const id = this.nextId++;
    const spec: { transferArgs?: (a: never) => Transferable[] } = REQUESTS[name];
    const message: RequestMessage = { type: 'request', id, name, args };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, handlers });
      this.worker.postMessage(message, spec.transferArgs?.(args as never) ?? []);
    });
  }

  private receive(m: WorkerMessage): void {
    if (m.type === 'reply' || m.type === 'failed') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.type === 'reply') p.resolve(m.value);
      else p.reject(new Error(m.message));
      return;
    }
    routeEvent(m, this.listeners, (id) => this.pending.get(id)?.handlers);
  }

  /** The client's own `on<Event>` properties (the page sets `engine.onWarning = …`), added by createEngineClient. */
  private get listeners(): EngineListeners {
    return this as unknown as EngineListeners;
  }

  private failAll(message: string): void {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
    if (!this.terminated) this.listeners.onError(message);
  }
}

export type EngineClient = ClientCore & EngineListeners & EngineApi;

/** A client for `worker` (the training worker, or an in-process port: src/train/localEngine.ts). */
export function createEngineClient(worker: Worker): EngineClient {
  const core = new ClientCore(worker);
  return Object.assign(core, silentListeners(), requestMethods((name, args) => core.send(name, args)));
}
