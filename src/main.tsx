import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import * as tf from '@tensorflow/tfjs';
import { App } from './App';
import { connectEngine } from './state/actions';
import { setExportEnv } from './state/exportActions';
import { isShareHash } from './share/linkCodec';
import { startFromHash } from './state/shareActions';
import { useAppStore, type AppState } from './state/store';
import { browserExportEnv } from './ui/browserExport';
import { digitsUrl } from './data/digits';
import { initBackend, selfCheck } from './train/backend';
import { EngineClient } from './train/engineClient';
import { defaultDistillSettings } from './state/setupSlice';
import './styles.css';

declare global {
  interface Window {
    /**
     * Console and script handle: `maskd.tf` is the page's TensorFlow.js, `maskd.engine` the
     * training worker (scripts/train-teachers.mjs drives it headlessly), `maskd.distillDefaults`
     * the page's stage-2 defaults per task (scripts/reproduce.mjs runs with them).
     */
    maskd: {
      tf: typeof tf;
      engine: () => EngineClient;
      dataUrl: string;
      distillDefaults: typeof defaultDistillSettings;
      state: () => AppState;
    };
  }
}
let engine: EngineClient | null = null;
window.maskd = {
  tf,
  engine: () => (engine && !engine.terminated ? engine : (engine = new EngineClient())),
  dataUrl: new URL(digitsUrl(), window.location.href).href,
  distillDefaults: defaultDistillSettings,
  /** The page's store, read-only by convention (tests compare chart history across a reload). */
  state: () => useAppStore.getState(),
};

connectEngine(
  {
    get: () => window.maskd.engine(),
    reset: () => engine?.terminate(),
    dataUrl: window.maskd.dataUrl,
  },
  {
    // The same tiny readback on the page's TensorFlow.js, on the worker's backend and adapter.
    selfCheck: async (backend) => {
      await initBackend([backend]);
      return (await selfCheck()).ok;
    },
  },
);

setExportEnv(browserExportEnv());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// A share link in the fragment opens read-only; anything else starts the playground as usual.
void startFromHash(window.location.hash);
// A share link pasted over this page's address changes only the fragment: start afresh for it.
window.addEventListener('hashchange', () => {
  if (isShareHash(window.location.hash)) window.location.reload();
});
