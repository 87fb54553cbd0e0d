// What the engine worker and a throwaway probe worker say to each other: the job (a model's files,
// copied, never moved: the engine keeps its own) and the probe's progress and verdict.
import type { ModelFileData, ModelRole } from '../../engine/userModels';
import type { ProbeStage } from '../../engine/modelProbe';

export interface ProbeJob {
  readonly role: ModelRole;
  readonly files: readonly ModelFileData[];
  /** Test hook (the `debugProbeWorker` request): the worker crashes mid-check, or hangs in a busy loop. */
  readonly debug?: ProbeDebug;
}

export type ProbeDebug = 'crash' | 'hang';

export type ProbeReply =
  | { readonly type: 'progress'; readonly stage: ProbeStage }
  | { readonly type: 'accepted'; readonly format: string }
  /** A refusal of the model file (a ModelFileError's file and problem). */
  | { readonly type: 'refused'; readonly file: string; readonly problem: string }
  /** Anything else that went wrong in the probe (said as a refusal of the files all the same). */
  | { readonly type: 'failed'; readonly message: string };
