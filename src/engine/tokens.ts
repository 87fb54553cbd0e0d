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

/**
 * What each token attends to over many scenes (src/train/tokenReport.ts). Always measured on
 * validation scenes: the report is what stage-1 recipes and tokens are chosen by, and test scenes
 * only give reported numbers.
 */
export interface TokenReport {
  readonly numTokens: number;
  readonly scenes: number;
  readonly split: 'val';
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
  /** With the token-weight branch: each token's weight w[n,t] averaged over the scenes (sums to 1); null without it. */
  readonly weights: readonly number[] | null;
  /** With the branch: `effectiveTokens(weights)`, between 1 (one token carries all the weight) and T (equal weights); null without it. */
  readonly effectiveTokens: number | null;
}

/**
 * The effective number of tokens of token weights: exp of the entropy of the weights normalised
 * to sum to 1 (0·log 0 = 0), so 1 when one token has all the weight and T when all T are equal;
 * [0.5, 0.5, 0, 0] gives 2. NaN when the weights have no positive mass or a negative or
 * non-finite entry.
 */
export function effectiveTokens(weights: readonly number[]): number {
  let sum = 0;
  for (const w of weights) {
    if (!Number.isFinite(w) || w < 0) return NaN;
    sum += w;
  }
  if (!(sum > 0)) return NaN;
  let entropy = 0;
  for (const w of weights) {
    const p = w / sum;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}
