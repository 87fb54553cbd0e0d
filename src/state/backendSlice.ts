import type { StateCreator } from 'zustand';
import type { BackendName, BackendStatus, BackendTiming } from '../backends/types';

export type BackendPhase = 'starting' | 'ready' | 'failed';

/** Auto's calibration while it runs: the figures so far and the backend being timed. */
export interface CalibrationProgress {
  readonly timings: readonly BackendTiming[];
  readonly measuring: BackendName | null;
}

/** The training worker's backend (where every step runs) and the worker's readback self-check of it. */
export interface BackendSlice {
  backendPhase: BackendPhase;
  backendStatus: BackendStatus | null;
  backendError: string | null;
  /** null while the check has not run. */
  selfCheckOk: boolean | null;
  calibrating: CalibrationProgress | null;
  fallbackDismissed: boolean;
  backendStarting: () => void;
  calibrationProgress: (timings: readonly BackendTiming[], measuring: BackendName | null) => void;
  backendReady: (status: BackendStatus) => void;
  backendFailed: (message: string) => void;
  dismissFallback: () => void;
}

export const createBackendSlice: StateCreator<BackendSlice, [], [], BackendSlice> = (set) => ({
  backendPhase: 'starting',
  backendStatus: null,
  backendError: null,
  selfCheckOk: null,
  calibrating: null,
  fallbackDismissed: false,
  backendStarting: () => set({ backendPhase: 'starting', backendStatus: null, selfCheckOk: null, calibrating: null, fallbackDismissed: false }),
  calibrationProgress: (timings, measuring) => set({ calibrating: { timings, measuring } }),
  backendReady: (status) =>
    set({ backendPhase: 'ready', backendStatus: status, selfCheckOk: status.selfCheck ?? null, backendError: null, calibrating: null }),
  backendFailed: (message) => set({ backendPhase: 'failed', backendError: message, calibrating: null }),
  dismissFallback: () => set({ fallbackDismissed: true }),
});
