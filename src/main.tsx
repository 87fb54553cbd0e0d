import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectEngine } from './state/actions';
import { setExportEnv } from './state/exportActions';
import { setFileParser } from './state/fileParser';
import { workerFileParser } from './state/workerFileParser';
import { indexedDbResults, keepLastResults } from './state/lastResults';
import { linkPasted, shouldWarnBeforeUnload, startFromHash } from './state/shareActions';
import { useAppStore, type AppState } from './state/store';
import { browserExportEnv } from './ui/browserExport';
import { digitsUrl } from './data/digits';
import { createEngineClient, type EngineClient } from './engine/client';
import { isBackendChoice } from './backends/types';
import type { ConsoleTf } from './backends/consoleTf';
import { defaultDistillSettings } from './state/setupSlice';
import './styles.css';

declare global {
  interface Window {
    /**
     * Console and script handle: `await maskd.tf()` loads a TensorFlow.js for the console (not part
     * of the page's bundle: a chunk fetched on the first call), `maskd.engine` the
     * training worker (scripts/script-engine.ts drives it for webgpu/webgl runs), `maskd.distillDefaults`
     * the page's stage-2 defaults per task.
     */
    maskd: {
      tf: () => Promise<ConsoleTf>;
      engine: () => EngineClient;
      dataUrl: string;
      distillDefaults: typeof defaultDistillSettings;
      state: () => AppState;
    };
  }
}
let engine: EngineClient | null = null;
window.maskd = {
  // The page's bundle holds no TensorFlow.js (docs/architecture.md): this chunk loads on the first call only.
  tf: () => import('./backends/consoleTf').then((m) => m.consoleTf()),
  engine: () =>
    engine && !engine.terminated
      ? engine
      : (engine = createEngineClient(new Worker(new URL('./train/worker.ts', import.meta.url), { type: 'module', name: 'maskd-engine' }))),
  dataUrl: new URL(digitsUrl(), window.location.href).href,
  distillDefaults: defaultDistillSettings,
  /** The page's store, read-only by convention (tests compare chart history across a reload). */
  state: () => useAppStore.getState(),
};

connectEngine({
  get: () => window.maskd.engine(),
  reset: () => engine?.terminate(),
  dataUrl: window.maskd.dataUrl,
});

setExportEnv(browserExportEnv());
// Dropped token and run files are parsed in a throwaway worker each, never on this thread.
setFileParser(workerFileParser(() => new Worker(new URL('./state/fileParseWorker.ts', import.meta.url), { type: 'module', name: 'maskd-file-parse' })));

// `?backend=wasm` (or webgpu, webgl, cpu, auto) opens on that backend instead of Auto's pick.
const askedBackend = new URLSearchParams(window.location.search).get('backend');
if (isBackendChoice(askedBackend)) useAppStore.getState().setBackendChoice(askedBackend);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// A finished run's results are kept in IndexedDB until the next run's replace them, and offered after a reload.
keepLastResults(indexedDbResults());
// A share link in the fragment opens read-only; anything else starts the playground as usual.
void startFromHash(window.location.hash);
// A share link pasted over this page's address changes only the fragment: the page reloads for
// it, after asking when the tab holds work; an invalid link never reloads (shareActions.linkPasted).
window.addEventListener('hashchange', (e) => linkPasted(e.newURL, e.oldURL));
// Closing or reloading while a run is active or results are unsaved: the browser asks first.
window.addEventListener('beforeunload', (e) => {
  if (!shouldWarnBeforeUnload()) return;
  e.preventDefault();
  e.returnValue = '';
});
