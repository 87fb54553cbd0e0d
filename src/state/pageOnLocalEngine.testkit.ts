// The page's store on the real engine in this process (localEngine, wasm), as the state tests of
// the exports and of the way back from PyTorch set it up: exports are kept in `saved`, the clock is
// fixed, and `start()` opens the demo as the page does.
import { afterAll, expect } from 'vitest';
import { localEngine } from '../train/localEngine';
import { connectEngine, startApp } from './actions';
import { setExportEnv } from './exportActions';
import { useAppStore } from './store';

export interface SavedExport {
  readonly name: string;
  readonly data: Uint8Array | string;
  readonly mime: string;
}

/** An engine for this test file (terminated after it), the exports it saves, and the page's start on it. */
export function pageOnLocalEngine(now: string) {
  const engine = localEngine();
  const saved: SavedExport[] = [];
  afterAll(() => engine.terminate());
  const start = async () => {
    connectEngine({ get: () => engine, reset: () => {}, dataUrl: '' });
    setExportEnv({ save: (name, data, mime) => saved.push({ name, data, mime }), png: async () => new Uint8Array(4), now: () => new Date(now) });
    useAppStore.setState({ backendChoice: 'wasm' });
    await startApp();
    expect(useAppStore.getState().demoPhase).toBe('ready');
  };
  return { engine, saved, start };
}
