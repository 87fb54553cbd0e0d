// The Setup panel's settings as plain data: what the store edits and what share links and run
// files carry.
import type { MethodName } from '../maskd/methodInfo';
import type { LrSchedule, MaskOptimizer } from '../engine/runConfigs';

export type ParamValue = number | boolean;

export interface MaskSettings {
  numTokens: number;
  steps: number;
  batchSize: number;
  lr: number;
  diceWeight: number;
  tokenWeights: boolean;
  /** Adam or SGD with momentum (src/share/maskRecipes.ts: the reference recipes). */
  optimizer: MaskOptimizer;
  /** SGD's momentum (unused by Adam). */
  momentum: number;
  /** L2 weight decay added to the gradient (PyTorch's weight_decay). */
  weightDecay: number;
  schedule: LrSchedule;
  /** Cosine's final learning rate (mmcv's min_lr); poly ends at 0. */
  minLr: number;
}

export interface DistillSettings {
  method: MethodName;
  /** Hyper-parameters per method, starting from the method's (task-specific) defaults. */
  params: Record<MethodName, Record<string, ParamValue>>;
  steps: number;
  batchSize: number;
  lr: number;
  evalEvery: number;
  /** Validation scenes per evaluation. */
  valCount: number;
}
