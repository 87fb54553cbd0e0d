import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

export type BackendName = 'webgpu' | 'webgl' | 'cpu';

/** Try order when nothing is forced: the first that initialises wins. */
export const BACKEND_PREFERENCE: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
}

export interface BackendStatus {
  backend: BackendName;
  adapter: AdapterSummary | null;
  /** Why the preferred backend was not used; null when it was. */
  fallbackReason: string | null;
}

async function describeWebGPUAdapter(): Promise<AdapterSummary | null> {
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
    const ok = await tf.setBackend(name);
    if (!ok) return `${name} failed to initialise`;
    await tf.ready();
    return null;
  } catch (err) {
    return `${name} threw: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Picks the backend: the forced one (when given), else webgpu → webgl → cpu.
 * The reason for every skipped backend is kept so the page can say why it fell back.
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
    return { backend: name, adapter, fallbackReason: reasons.length ? reasons.join('; ') : null };
  }
  throw new Error(`No TensorFlow.js backend could start: ${reasons.join('; ')}`);
}

/** Human label for the badge, e.g. "WebGPU · swiftshader". */
export function backendLabel(status: BackendStatus): string {
  const names: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU' };
  const base = names[status.backend];
  if (!status.adapter) return base;
  const detail = status.adapter.architecture || status.adapter.vendor || status.adapter.description;
  return detail ? `${base} · ${detail}` : base;
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
