// The store tests' engine: the page's real client and the worker's real dispatcher over a stub
// session (./stubSession.ts), joined in-process as src/train/localEngine.ts joins the real one.
import type { Calibration } from '../../backends/types';
import { createEngineClient, type EngineClient } from '../../engine/client';
import type { RequestMessage, WorkerMessage } from '../../engine/contract';
import { EngineDispatcher } from '../../train/engineDispatcher';
import type { EngineHost } from '../engine';
import { StubSession } from './stubSession';

export type { StubSession } from './stubSession';

/** A client whose worker is `session` behind the real dispatcher. */
function stubEngine(makeSession: (post: (m: WorkerMessage) => void) => StubSession): EngineClient {
  const port = {
    onmessage: null as ((e: { data: WorkerMessage }) => void) | null,
    onerror: null,
    postMessage: (m: RequestMessage) => void dispatcher.handle(m),
    terminate: () => session.terminate(),
  };
  const session = makeSession((m) => port.onmessage?.({ data: m }));
  const dispatcher = new EngineDispatcher(session, (m) => port.onmessage?.({ data: m }));
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
