// Receptive tokens as files, imports and reports.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

import type { TokenWeightsState } from '../maskd/tokenWeights';
import type { NamedSerializedTensor } from '../maskd/types';
import type { Task } from '../models/nets';
import type { MaskSnapshot } from './progress';

/** `models/<task>-teacher/tokens.json`: learnt receptive tokens (+ branch) of a shipped teacher. */
export interface TokensFile {
  readonly version: 1;
  readonly task: Task;
  readonly tokens: NamedSerializedTensor;
  readonly branch?: TokenWeightsState;
  /** How they were learnt (steps, lr, final losses), for the record. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Tokens (+ branch) from outside (a share link, a .safetensors file, a run file) to replace the session's. */
export interface SetTokensRequest {
  readonly tokens: NamedSerializedTensor;
  readonly branch?: TokenWeightsState;
  /** Preview scenes by seed (each one `generateScene(val pool, seed)`); absent keeps the current ones. */
  readonly previewSeeds?: readonly number[];
}

/** The tokens now in the session, and their masks on the preview scenes. */
export interface TokensSet {
  readonly numTokens: number;
  readonly channels: number;
  readonly tokenWeights: boolean;
  readonly snapshot: MaskSnapshot;
}

/** What each token attends to over many scenes (src/train/tokenReport.ts). */
export interface TokenReport {
  readonly numTokens: number;
  readonly scenes: number;
  readonly split: 'test' | 'val';
  /** Label names in label-id order: 'background', then the classes. */
  readonly labels: readonly string[];
  /** [token][label]: the token's mean mask value over the pixels of that label (NaN: no such pixel). */
  readonly perClass: readonly (readonly number[])[];
  /** Mean mask value over all pixels, per token. */
  readonly area: readonly number[];
  /** Area strictly between liveArea.min and liveArea.max. */
  readonly live: readonly boolean[];
  readonly liveArea: { readonly min: number; readonly max: number };
  readonly liveCount: number;
  /** [token][token]: mean over scenes of Dice(m_i, m_j); 1 on the diagonal. */
  readonly dice: readonly (readonly number[])[];
  /** Mean over ordered pairs i ≠ j. */
  readonly meanDice: number;
}
