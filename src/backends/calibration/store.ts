// Remembers a device's calibration in IndexedDB (its own database, so the checkpoints' schema is
// untouched), keyed by what makes timings comparable: browser, adapter, isolation, cores.
import { withIdbStore } from '../../idbStore';
import { isBackendName, type AdapterSummary } from '../types';
import type { Calibration } from './types';

const DB_NAME = 'maskd-backend-calibration';
const STORE = 'calibrations';
/** Bump when what is timed changes, so old figures are measured again. */
export const CALIBRATION_VERSION = 1;

export interface DeviceFacts {
  readonly userAgent: string;
  readonly adapter: AdapterSummary | null;
  readonly crossOriginIsolated: boolean;
  readonly cores: number;
}

export function deviceKey(f: DeviceFacts): string {
  const adapter = f.adapter ? `${f.adapter.vendor}/${f.adapter.architecture}/${f.adapter.description}` : 'no-adapter';
  return `v${CALIBRATION_VERSION}|${f.userAgent}|${adapter}|isolated=${f.crossOriginIsolated}|cores=${f.cores}`;
}

/** A stored record is used only when it has the shape this version writes. */
export function isCalibration(value: unknown): value is Calibration {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.deviceKey === 'string' &&
    isBackendName(c.fastest) &&
    typeof c.measuredAt === 'string' &&
    Array.isArray(c.timings) &&
    c.timings.every(
      (t: unknown) =>
        typeof t === 'object' && t !== null && isBackendName((t as Record<string, unknown>).backend) &&
        ((t as Record<string, unknown>).msPerStep === null || Number.isFinite((t as Record<string, unknown>).msPerStep)),
    )
  );
}

export interface CalibrationMemory {
  load(key: string): Promise<Calibration | null>;
  save(c: Calibration): Promise<void>;
}

/** IndexedDB where there is one; a failed read or write only means measuring again next time. */
export const indexedDbCalibrations: CalibrationMemory = {
  async load(key) {
    if (typeof indexedDB === 'undefined') return null;
    try {
      const raw = await withIdbStore(DB_NAME, STORE, 'readonly', (s) => s.get(key) as IDBRequest<unknown>);
      return isCalibration(raw) && raw.deviceKey === key ? raw : null;
    } catch {
      return null;
    }
  },
  async save(c) {
    if (typeof indexedDB === 'undefined') return;
    try {
      await withIdbStore(DB_NAME, STORE, 'readwrite', (s) => s.put(c, c.deviceKey));
    } catch {
      // Not remembered: the next visit measures again.
    }
  },
};
