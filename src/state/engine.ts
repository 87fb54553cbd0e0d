// The engine as the page drives it: the contract's methods and listeners (src/engine/contract.ts,
// src/engine/events.ts), and a way to shut it down. EngineClient implements it.
import type { EngineApi } from '../engine/contract';
import type { EngineListeners } from '../engine/events';

export type { RunHandlers } from '../engine/events';

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
