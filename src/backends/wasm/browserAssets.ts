// Where the page finds tfjs-backend-wasm's binaries: Vite copies them into the build as assets
// of the app itself (no CDN, so the page works offline). Imported only by the workers' entry
// files: Node (tests, scripts) finds the binaries inside the package by itself.
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { keepThreadedFactorySource } from './threadedFactorySource';
import { recordRequestedThreads } from './threads';

let configured = false;

/**
 * Points the wasm backend at the app's own copies of its binaries. The threaded build needs a
 * cross-origin isolated page (SharedArrayBuffer), which the dev and preview servers make with
 * COOP/COEP headers; elsewhere tfjs falls back to the SIMD build by itself. XNNPACK gets one
 * thread per logical core, at most 4 (the convolutions here are small: on 2 cores a MasKD step
 * took 94 ms with 2 threads, 156 ms with 4).
 */
export function configureWasmAssets(): void {
  if (configured) return;
  configured = true;
  keepThreadedFactorySource();
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plainUrl,
    'tfjs-backend-wasm-simd.wasm': simdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedUrl,
  });
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
  const threads = Math.max(1, Math.min(4, cores));
  setThreadsCount(threads);
  recordRequestedThreads(threads);
}
