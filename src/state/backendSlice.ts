import type { StateCreator } from 'zustand';
import type { BackendStatus } from '../train/backend';

export type BackendPhase = 'starting' | 'ready' | 'failed';

/** The training worker's backend (where every step runs) and a readback self-check of it. */
export interface BackendSlice {
  backendPhase: BackendPhase;
  backendStatus: BackendStatus | null;
  backendError: string | null;
  /** null while the check has not finished. */
  selfCheckOk: boolean | null;
  fallbackDismissed: boolean;
  backendStarting: () => void;
  backendReady: (status: BackendStatus, selfCheckOk: boolean | null) => void;
  selfCheckDone: (ok: boolean) => void;
  backendFailed: (message: string) => void;
  dismissFallback: () => void;
}

export const createBackendSlice: StateCreator<BackendSlice, [], [], BackendSlice> = (set) => ({
  backendPhase: 'starting',
  backendStatus: null,
  backendError: null,
  selfCheckOk: null,
  fallbackDismissed: false,
  backendStarting: () => set({ backendPhase: 'starting', backendStatus: null, selfCheckOk: null, fallbackDismissed: false }),
  backendReady: (status, selfCheckOk) =>
    set({ backendPhase: 'ready', backendStatus: status, selfCheckOk, backendError: null }),
  selfCheckDone: (ok) => set({ selfCheckOk: ok }),
  backendFailed: (message) => set({ backendPhase: 'failed', backendError: message }),
  dismissFallback: () => set({ fallbackDismissed: true }),
});
