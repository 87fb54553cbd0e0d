// Seeded train/validation split: the same seed and count give the same split in every engine.
import { Rng } from '../rng';
import { DatasetError, MIN_IMAGES } from './types';

export interface Split {
  /** Indices into the (path-sorted) samples, ascending within each part. */
  readonly train: number[];
  readonly val: number[];
}

/** Held-out count: round(n·fraction), at least 1, leaving at least 1 for training. */
export function valCount(n: number, fraction: number): number {
  return Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
}

export function splitTrainVal(n: number, fraction: number, seed: number): Split {
  if (!(fraction > 0 && fraction < 1)) throw new DatasetError(null, `the validation fraction must be between 0 and 1, got ${fraction}`);
  if (n < MIN_IMAGES) {
    throw new DatasetError(
      null,
      `the dataset has ${n} image${n === 1 ? '' : 's'}: at least ${MIN_IMAGES} are needed, one to train on and one held out for validation`,
    );
  }
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const k = valCount(n, fraction);
  return { val: order.slice(0, k).sort((a, b) => a - b), train: order.slice(k).sort((a, b) => a - b) };
}
