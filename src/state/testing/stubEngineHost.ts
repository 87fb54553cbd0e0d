// The store tests' engine: the page's real client and the worker's real dispatcher over a stub
// session (./stubSession.ts), joined in-process as src/train/localEngine.ts joins the real one.
import type { Calibration } from '../../backends/types';
import { createEngineClient, type EngineClient } from '../../engine/client';
import { REQUESTS, type EngineHandlers, type RequestMessage, type WorkerMessage } from '../../engine/contract';
import { EngineDispatcher } from '../../train/engineDispatcher';
import type { EngineHost } from '../engine';
import { StubSession } from './stubSession';

export type { StubSession } from './stubSession';

/** The stub as the dispatcher's handler map: a command it has no method for fails, naming it. */
function withUnstubbed(session: StubSession): EngineHandlers {
  return new Proxy(session, {
    get(target, name, receiver) {
      const own: unknown = Reflect.get(target, name, receiver);
      if (own !== undefined || typeof name !== 'string' || !(name in REQUESTS)) return own;
      return () => Promise.reject(new Error(`the store tests' stub session has no handler for '${name}'`));
    },
  }) as unknown as EngineHandlers;
}

/** A client whose worker is `session` behind the real dispatcher. */
function stubEngine(makeSession: (post: (m: WorkerMessage) => void) => StubSession): EngineClient {
  const port = {
    onmessage: null as ((e: { data: WorkerMessage }) => void) | null,
    onerror: null,
    postMessage: (m: RequestMessage) => void dispatcher.handle(m),
    terminate: () => session.terminate(),
  };
  const session = makeSession((m) => port.onmessage?.({ data: m }));
  const dispatcher = new EngineDispatcher(withUnstubbed(session), (m) => port.onmessage?.({ data: m }));
  return createEngineClient(port as unknown as Worker);
}

/** An EngineHost around fresh stub engines; `engines` lists the session behind every one created. */
export function stubEngineHost(): { host: EngineHost; engines: StubSession[] } {
  const engines: StubSession[] = [];
  // Outlives engines, as the worker's IndexedDB does: a measuring init fills it, later ones reuse it.
  const device: { calibration: Calibration | null } = { calibration: null };
  let current: EngineClient | null = null;
  const host = {
    dataUrl: 'http://test/data/digits.bin',
    get(): EngineClient {
      current ??= stubEngine((post) => {
        const session = new StubSession(post, device);
        engines.push(session);
        return session;
      });
      return current;
    },
    reset(): void {
      current?.terminate();
      current = null;
    },
  };
  return { host, engines };
}
