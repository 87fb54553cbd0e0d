// What the session needs of the place it runs in: the worker (browser) or a Node script.
import type { CalibrationHost } from '../backends/calibration/calibrate';
import type { DigitPools } from '../data/digits';
import type { Task } from '../models/nets';
import type { ModelProbeHost } from './modelProbe/host';

export interface EngineEnv {
  /** The digit pools behind `dataUrl` (the worker fetches them; Node reads public/ on disk). */
  loadDigits(dataUrl: string): Promise<DigitPools>;
  /** Auto's calibration, where backends can be timed (a browser); null elsewhere. */
  calibrationHost(task: Task): CalibrationHost | null;
  /** The app root the shipped models load from when a request names none. */
  readonly defaultBase: string;
  /**
   * Where a user's model files are parsed, sized and run once before the engine loads them (a
   * throwaway worker in the browser); absent: the engine's own loader checks them (Node).
   */
  modelProbe?(): ModelProbeHost;
  /** Called after each backend start (the worker watches a WebGPU device for loss). */
  onBackendStarted?(): void;
}

/** For sessions driven method by method (tests): no digits to load, no calibration, no default root. */
export const NO_ENV: EngineEnv = {
  loadDigits: () => Promise.reject(new Error('this session has no digit loader: set its pools')),
  calibrationHost: () => null,
  defaultBase: '',
};
