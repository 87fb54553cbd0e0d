// Auto backend choice: the device's remembered calibration, or a fresh one (every available
// backend timed on the current demo's step), saved for the next visit.
import type { Task } from '../../models/nets';
import type { BackendName } from '../types';
import { DEFAULT_MEASURE, fastestBackend, measureBackends, type MeasureOptions } from './measure';
import { deviceKey, type CalibrationMemory, type DeviceFacts } from './store';
import type { BackendTiming, Calibration, TimingRunner } from './types';

export interface CalibrationHost {
  /** Backends this context can start, cheapest to time first. */
  candidates(): Promise<BackendName[]>;
  facts(): Promise<DeviceFacts>;
  readonly memory: CalibrationMemory;
  readonly runner: TimingRunner;
  /** Each backend's figure as it lands, and the one being timed next (null at the end). */
  onProgress?(timings: readonly BackendTiming[], measuring: BackendName | null): void;
  now?(): number;
}

export interface CalibrationRequest {
  readonly task: Task;
  readonly batchSize: number;
  /** Measure again even when this device has a remembered calibration. */
  readonly remeasure?: boolean;
  readonly measure?: MeasureOptions;
}

/** The device's calibration without measuring (null when there is none). */
export async function rememberedCalibration(host: Pick<CalibrationHost, 'facts' | 'memory'>): Promise<Calibration | null> {
  const stored = await host.memory.load(deviceKey(await host.facts()));
  return stored ? { ...stored, remembered: true } : null;
}

export async function calibrate(host: CalibrationHost, req: CalibrationRequest): Promise<Calibration> {
  if (!req.remeasure) {
    const remembered = await rememberedCalibration(host);
    if (remembered) return remembered;
  }
  const now = host.now ?? (() => performance.now());
  const start = now();
  const key = deviceKey(await host.facts());
  const candidates = await host.candidates();
  host.onProgress?.([], candidates[0] ?? null);
  const timings = await measureBackends(candidates, host.runner, { ...(req.measure ?? DEFAULT_MEASURE), now, onTiming: host.onProgress });
  const calibration: Calibration = {
    deviceKey: key,
    task: req.task,
    batchSize: req.batchSize,
    timings,
    // Nothing measured (every backend failed or ran out of time): the first candidate, unmeasured.
    fastest: fastestBackend(timings) ?? candidates[0] ?? 'cpu',
    measuredAt: new Date().toISOString(),
    wallMs: Math.round(now() - start),
    remembered: false,
  };
  await host.memory.save(calibration);
  return calibration;
}
