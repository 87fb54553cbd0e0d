// The engine in this process (Node: the scripts and tests): the page's EngineClient on the
// worker's own dispatcher and session, joined by a port that hands messages across in-process
// instead of a Worker. Digits come from public/data/digits.bin and the shipped teacher and tokens
// from public/models/ on disk; nothing is fetched. Node only (node:fs).
import { loadDigitsNode } from '../data/digitsNode';
import { createEngineClient, type EngineClient } from '../engine/client';
import type { RequestMessage, WorkerMessage } from '../engine/contract';
import { EngineDispatcher } from './engineDispatcher';
import { EngineSession } from './engineSession';
import { fileFetch, PUBLIC_URL } from './fileFetch';

/** A client whose "worker" is a session in this process; `terminate()` frees the session's models. */
export function localEngine(): EngineClient {
  const port = {
    onmessage: null as ((e: { data: WorkerMessage }) => void) | null,
    onerror: null,
    postMessage: (m: RequestMessage) => void dispatcher.handle(m),
    terminate: () => session.dispose(),
  };
  const answer = (m: WorkerMessage) => port.onmessage?.({ data: m });
  const session = new EngineSession(answer, null, { loadDigits: async () => loadDigitsNode(), calibrationHost: () => null, defaultBase: PUBLIC_URL });
  session.fetchFunc = fileFetch;
  const dispatcher = new EngineDispatcher(session, answer);
  return createEngineClient(port as unknown as Worker);
}
