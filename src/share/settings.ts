// The Setup panel's settings as plain data: what the store edits and what share links and run
// files carry.
import type { MethodName } from '../maskd/methods';

export type ParamValue = number | boolean;

export interface MaskSettings {
  numTokens: number;
  steps: number;
  batchSize: number;
  lr: number;
  diceWeight: number;
  tokenWeights: boolean;
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
