// The engine as the page drives it: the contract's methods and listeners (src/engine/contract.ts),
// and a way to shut it down. EngineClient implements it; the store tests use a fake.
import type { EngineApi, EngineListeners } from '../engine/contract';

export type { RunHandlers } from '../engine/contract';

export interface PlaygroundEngine extends EngineApi, EngineListeners {
  terminate(): void;
}

/** Where actions get the engine: the current one, or a fresh one after `reset` (backend switch). */
export interface EngineHost {
  get(): PlaygroundEngine;
  /** Shuts the current engine down; the next `get` starts a new one. */
  reset(): void;
  readonly dataUrl: string;
}
