// The replay timeline keeps a bounded set of mask snapshots spread over the whole run.
import type { MaskSnapshot } from '../engine/progress';
import { effectiveTokens } from '../engine/tokens';

export const SNAPSHOT_CAP = 50;

/**
 * Appends `snap` (replacing one of the same stage and step). Past `cap`, drops the interior
 * snapshot whose removal leaves the smallest step gap, so old history thins out evenly while the
 * first and the newest stay.
 */
export function addSnapshot(list: readonly MaskSnapshot[], snap: MaskSnapshot, cap = SNAPSHOT_CAP): MaskSnapshot[] {
  const last = list[list.length - 1];
  const base = last && last.step === snap.step && last.stage === snap.stage ? list.slice(0, -1) : list.slice();
  base.push(snap);
  while (base.length > Math.max(2, cap)) {
    let drop = 1;
    let smallest = Infinity;
    for (let i = 1; i < base.length - 1; i++) {
      const gap = base[i + 1].step - base[i - 1].step;
      if (gap < smallest) {
        smallest = gap;
        drop = i;
      }
    }
    base.splice(drop, 1);
  }
  return base;
}

export interface TokenStats {
  /** Mean mask value per token over every preview pixel. */
  readonly areas: number[];
  /** Mean token weight per token over the previews, when the branch is on. */
  readonly weights: number[] | null;
  /** The effective number of tokens of those mean weights (engine/tokens.ts `effectiveTokens`), when the branch is on. */
  readonly effective: number | null;
}

/** Per-token mean area and weight of a snapshot, and the weights' effective number of tokens (what the gallery prints). */
export function tokenStats(s: MaskSnapshot): TokenStats {
  const T = s.numTokens;
  const areas = new Array<number>(T).fill(0);
  const perToken = s.masks.length / T;
  for (let i = 0; i < s.masks.length; i++) areas[i % T] += s.masks[i];
  for (let t = 0; t < T; t++) areas[t] /= perToken || 1;
  let weights: number[] | null = null;
  if (s.tokenWeights && s.tokenWeights.length >= T) {
    const w = new Array<number>(T).fill(0);
    const rows = s.tokenWeights.length / T;
    for (let i = 0; i < s.tokenWeights.length; i++) w[i % T] += s.tokenWeights[i];
    weights = w.map((v) => v / rows);
  }
  return { areas, weights, effective: weights ? effectiveTokens(weights) : null };
}
