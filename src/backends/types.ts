// What the page and the worker say about backends: names, how one runs, and how fast each was
// measured on this device. Plain data, shared by the engine, the calibration and the page.
import type { Task } from '../models/nets';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** What the user picks: a backend, or the fastest one measured on this device. */
export type BackendChoice = 'auto' | BackendName;

export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export const BACKEND_TITLES: Readonly<Record<BackendName, string>> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

export function isBackendChoice(value: unknown): value is BackendChoice {
  return value === 'auto' || isBackendName(value);
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
}

/** How the wasm backend runs: the SIMD build, and XNNPACK's thread count (1 without threads). */
export interface WasmSummary {
  simd: boolean;
  /** The threaded build loaded (needs a cross-origin isolated page). */
  multithread: boolean;
  threads: number;
}

/** One backend's measured training speed on this device. */
export interface BackendTiming {
  readonly backend: BackendName;
  /** Median ms per MasKD distillation step after a warm-up step; null when there is no figure. */
  readonly msPerStep: number | null;
  /** With no figure: it ran out of its time (`limitMs`) or failed (`error`). */
  readonly limitMs?: number;
  readonly error?: string;
  /** What runs it: the adapter ("swiftshader") or the wasm build ("SIMD · 2 threads"); '' if unknown. */
  readonly detail: string;
}

/** The result of timing every available backend; remembered per device. */
export interface Calibration {
  /** Browser, adapter, isolation and core count: a calibration only holds where all are the same. */
  readonly deviceKey: string;
  readonly task: Task;
  readonly batchSize: number;
  readonly timings: readonly BackendTiming[];
  readonly fastest: BackendName;
  readonly measuredAt: string;
  /** Wall time of the whole calibration. */
  readonly wallMs: number;
  /** True when read back from an earlier visit instead of measured now. */
  readonly remembered: boolean;
}

export interface BackendStatus {
  backend: BackendName;
  adapter: AdapterSummary | null;
  /** Set on wasm. */
  wasm?: WasmSummary | null;
  /** Why the preferred backend was not used; null when it was. */
  fallbackReason: string | null;
  /** The device's calibration (measured now or remembered); absent where none was made. */
  calibration?: Calibration | null;
  /** A known-answer matmul read back on this backend; absent until run. */
  selfCheck?: boolean;
}
