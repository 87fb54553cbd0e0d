import type { BackendName, BackendTiming } from '../types';

export type { BackendTiming, Calibration } from '../types';

/** Runs the timed steps of one backend within `limitMs` (stopping it when over). */
export type TimingRunner = (backend: BackendName, limitMs: number) => Promise<BackendTiming>;
