// Starts the engine's backend: the one the user forced, or (Auto) the fastest measured on this
// device — remembered from an earlier visit or timed now — then a known-answer self-check on it.
import { calibrate, rememberedCalibration, type CalibrationHost } from '../backends/calibration/calibrate';
import { CALIBRATION_BATCH } from '../backends/calibration/browserHost';
import { byMeasuredSpeed } from '../backends/calibration/measure';
import type { Task } from '../models/nets';
import { BACKEND_PREFERENCE, BACKEND_TITLES, initBackend, selfCheck, type BackendName, type BackendStatus } from '../backends/init';

export interface BackendRequest {
  /** Forced try order (a user's pick, a script); absent: Auto. */
  readonly backends?: readonly BackendName[];
  /** Auto's calibration runs the current demo's step. */
  readonly task?: Task;
  readonly remeasure?: boolean;
}

export interface StartedBackend {
  readonly status: BackendStatus;
  /** Where to go when this backend fails (a lost WebGPU device): the others, fastest first. */
  readonly fallbackOrder: readonly BackendName[];
}

const unique = (names: readonly BackendName[]) => [...new Set(names)];

/** `host` null: nothing to measure or remember here (Node); Auto then takes the fixed preference. */
export async function startEngineBackend(req: BackendRequest, host: CalibrationHost | null): Promise<StartedBackend> {
  let status: BackendStatus;
  let order: BackendName[];
  if (req.backends) {
    const calibration = host ? await rememberedCalibration(host) : null;
    status = { ...(await initBackend(req.backends)), calibration };
    // The rest of the forced order first, then the others, fastest measured first.
    order = unique([...req.backends, ...(calibration ? byMeasuredSpeed(calibration.timings) : []), ...BACKEND_PREFERENCE]);
  } else if (host) {
    const calibration = await calibrate(host, { task: req.task ?? 'segmentation', batchSize: CALIBRATION_BATCH, remeasure: req.remeasure });
    order = unique([calibration.fastest, ...byMeasuredSpeed(calibration.timings), ...BACKEND_PREFERENCE]);
    const started = await initBackend(order);
    const fallbackReason =
      started.backend === calibration.fastest
        ? null
        : `${BACKEND_TITLES[calibration.fastest]} was fastest but did not start (${started.fallbackReason ?? 'unknown reason'})`;
    status = { ...started, fallbackReason, calibration };
  } else {
    order = [...BACKEND_PREFERENCE];
    status = { ...(await initBackend(order)), calibration: null };
  }
  status.selfCheck = (await selfCheck()).ok;
  return { status, fallbackOrder: order.filter((b) => b !== status.backend) };
}
