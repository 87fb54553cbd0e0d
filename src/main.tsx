import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import * as tf from '@tensorflow/tfjs';
import { App } from './App';
import { connectEngine, startApp } from './state/actions';
import { useAppStore, type AppState } from './state/store';
import { digitsUrl } from './data/digits';
import { initBackend, selfCheck } from './train/backend';
import { EngineClient } from './train/engineClient';
import './styles.css';

declare global {
  interface Window {
    /**
     * Console and script handle: `maskd.tf` is the page's TensorFlow.js, `maskd.engine` the
     * training worker (scripts/train-teachers.mjs drives it headlessly).
     */
    maskd: { tf: typeof tf; engine: () => EngineClient; dataUrl: string; state: () => AppState };
  }
}
let engine: EngineClient | null = null;
window.maskd = {
  tf,
  engine: () => (engine && !engine.terminated ? engine : (engine = new EngineClient())),
  dataUrl: new URL(digitsUrl(), window.location.href).href,
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

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void startApp();
