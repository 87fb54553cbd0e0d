// Where the engine sends a model to be probed before it loads it: a throwaway worker per model in
// the browser (./workerHost.ts), the same code in-process in Node (./inProcessProbe.ts).
import type { ProbeStage } from '../../engine/modelProbe';
import type { ProbeJob } from './messages';

export interface ModelProbeHost {
  /**
   * Resolves when the probe accepted the files; rejects with a ModelFileError when it refused them,
   * crashed, ran out of its time budget or was cancelled.
   */
  probe(job: ProbeJob, label: string, onStage: (stage: ProbeStage) => void): Promise<void>;
  /** Stops the probe in progress; its promise rejects with a cancellation. */
  cancel(): void;
}
