import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { AdapterSummary, BackendName, BackendStatus, WasmSummary } from './types';
import { BACKEND_PREFERENCE } from './labels';
import { registerWasmTrainingKernels } from './wasm/register';
import { requestedThreads } from './wasm/threads';
import { errorText } from '../errorText';

export type { AdapterSummary, BackendChoice, BackendName, BackendStatus, WasmSummary } from './types';
export { BACKEND_NAMES, BACKEND_TITLES, isBackendChoice, isBackendName } from './types';
// The page's words for backends live in the tensor-free ./labels (the page imports it directly).
export { BACKEND_PREFERENCE, backendDetail, backendLabel } from './labels';

export async function describeWebGPUAdapter(): Promise<AdapterSummary | null> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) return null;
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const info = adapter.info;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    description: info?.description ?? '',
  };
}

function webgpuUnavailableReason(): string | null {
  if (typeof navigator === 'undefined') return 'no navigator object in this context';
  if (typeof isSecureContext !== 'undefined' && !isSecureContext) {
    return 'the page is not a secure context (serve it over https, localhost or 127.0.0.1)';
  }
  if (!('gpu' in navigator) || !navigator.gpu) return 'this browser does not expose navigator.gpu (WebGPU)';
  return null;
}

async function trySetBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'wasm') registerWasmTrainingKernels();
    const ok = await tf.setBackend(name);
    if (!ok) return `${name} failed to initialise`;
    await tf.ready();
    return null;
  } catch (err) {
    return `${name} threw: ${errorText(err)}`;
  }
}

async function describeWasm(): Promise<WasmSummary> {
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const multithread = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return { simd, multithread, threads: multithread ? Math.max(getThreadsCount(), requestedThreads()) : 1 };
}

/**
 * Starts the first backend of `order` that initialises. The reason for every skipped backend is
 * kept so the page can say why it fell back.
 */
export async function initBackend(order: readonly BackendName[] = BACKEND_PREFERENCE): Promise<BackendStatus> {
  const reasons: string[] = [];
  for (const name of order) {
    if (name === 'webgpu') {
      const missing = webgpuUnavailableReason();
      if (missing) {
        reasons.push(`WebGPU unavailable: ${missing}`);
        continue;
      }
    }
    const failure = await trySetBackend(name);
    if (failure) {
      reasons.push(failure);
      continue;
    }
    const adapter = name === 'webgpu' ? await describeWebGPUAdapter() : null;
    const wasm = name === 'wasm' ? await describeWasm() : null;
    return { backend: name, adapter, wasm, fallbackReason: reasons.length ? reasons.join('; ') : null };
  }
  throw new Error(`No TensorFlow.js backend could start: ${reasons.join('; ')}`);
}

/**
 * A tiny computation with a known answer, read back asynchronously. It catches adapters that
 * initialise but compute or read back wrongly (a blank readback shows up as zeros).
 */
export async function selfCheck(): Promise<{ ok: boolean; values: number[] }> {
  const expected = [19, 22, 43, 50];
  const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
  const values = Array.from(await product.data());
  product.dispose();
  const ok = values.length === expected.length && values.every((v, i) => Math.abs(v - expected[i]) < 1e-4);
  return { ok, values };
}
