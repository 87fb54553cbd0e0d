import type { StateCreator } from 'zustand';
import type { BackendStatus } from '../train/backend';

export type BackendPhase = 'starting' | 'ready' | 'failed';

export interface BackendSlice {
  backendPhase: BackendPhase;
  backendStatus: BackendStatus | null;
  backendError: string | null;
  selfCheckOk: boolean | null;
  fallbackDismissed: boolean;
  backendReady: (status: BackendStatus, selfCheckOk: boolean) => void;
  backendFailed: (message: string) => void;
  dismissFallback: () => void;
}

export const createBackendSlice: StateCreator<BackendSlice, [], [], BackendSlice> = (set) => ({
  backendPhase: 'starting',
  backendStatus: null,
  backendError: null,
  selfCheckOk: null,
  fallbackDismissed: false,
  backendReady: (status, selfCheckOk) =>
    set({ backendPhase: 'ready', backendStatus: status, selfCheckOk, backendError: null }),
  backendFailed: (message) => set({ backendPhase: 'failed', backendError: message }),
  dismissFallback: () => set({ fallbackDismissed: true }),
});
