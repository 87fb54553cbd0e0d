// What the page says about backends: the try order and the badge's words. No TensorFlow.js: the
// page imports this module, and init.ts (the worker's backend start-up) re-exports it.
import { BACKEND_TITLES, type BackendName, type BackendStatus } from './types';

/** Try order when nothing was measured or forced: the first that initialises wins. */
export const BACKEND_PREFERENCE: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

/** What runs the backend, e.g. "swiftshader" for WebGPU or "SIMD · 2 threads" for WASM; '' if nothing is known. */
export function backendDetail(status: Pick<BackendStatus, 'adapter' | 'wasm'>): string {
  if (status.wasm) {
    const threads = status.wasm.threads > 1 ? `${status.wasm.threads} threads` : '1 thread';
    return [status.wasm.simd ? 'SIMD' : '', threads].filter(Boolean).join(' · ');
  }
  if (!status.adapter) return '';
  return status.adapter.architecture || status.adapter.vendor || status.adapter.description;
}

/** Human label for the badge, e.g. "WebGPU · swiftshader" or "WASM · SIMD · 2 threads". */
export function backendLabel(status: BackendStatus): string {
  const detail = backendDetail(status);
  const base = BACKEND_TITLES[status.backend];
  return detail ? `${base} · ${detail}` : base;
}
