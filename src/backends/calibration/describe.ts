// Calibration figures in words for the badge and the backend picker.
import { BACKEND_TITLES, type BackendName } from '../types';
import type { BackendTiming, Calibration } from './types';

/** "83 ms" under a second, "3.8 s" above. */
export function formatStepTime(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** "WebGPU/swiftshader" — the backend and what runs it, when that says something. */
export function timingName(t: BackendTiming): string {
  const title = BACKEND_TITLES[t.backend];
  return t.backend === 'webgpu' && t.detail ? `${title}/${t.detail}` : title;
}

/** One backend's figure: "3.8 s/step", "no step within 4 s", "failed: …". */
export function timingText(t: BackendTiming): string {
  if (t.msPerStep !== null) return `${formatStepTime(t.msPerStep)}/step`;
  if (t.error) return `failed: ${t.error}`;
  return `no step within ${formatStepTime(t.limitMs ?? 0)}`;
}

/** The badge's reason, e.g. "fastest here (WebGPU/swiftshader no step within 4.0 s, WebGL 3.8 s/step, WASM 96 ms/step)". */
export function calibrationReason(c: Calibration): string {
  const parts = c.timings.map((t) => `${timingName(t)} ${timingText(t)}`);
  return `fastest here (${parts.join(', ')})${c.remembered ? `, measured ${c.measuredAt.slice(0, 10)}` : ''}`;
}

/** The picker's option text for a backend, with its figure when measured. */
export function pickerLabel(backend: BackendName, c: Calibration | null): string {
  const t = c?.timings.find((x) => x.backend === backend);
  const base = backend === 'webgpu' ? 'WebGPU (fused MasKD kernels)' : backend === 'cpu' ? 'CPU (slow)' : BACKEND_TITLES[backend];
  return t ? `${base} — ${timingText(t)}` : base;
}
