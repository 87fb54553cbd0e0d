// Where a run's samples come from: the seeded digit scenes of the demos, or a user's dataset.
// Stages and trainers ask a source for batch `step` (always the same samples for the same seed
// and step, so a run resumes exactly), the validation set, the test set and the preview samples.
// The digit scenes have three splits with disjoint digits (public/data/digits.bin): training,
// validation (schedules, checkpoint choice, the page's live metric) and test (reported numbers).
import { sceneBatch } from '../data/batches';
import type { CustomDataset } from '../data/custom/types';
import type { DigitPools } from '../data/digits';
import { mixSeed, Rng } from '../data/rng';
import type { Scene, SceneConfig } from '../data/scenes';
import { DET_HEAT_CHANNELS, SEG_CLASSES, type Task } from '../models/nets';

export interface DataSource {
  readonly kind: 'digits' | 'custom';
  /** The labels' task (an images-only dataset has none: `labelled` is false). */
  readonly task: Task;
  /** False for images without labels: only the label-free objectives apply. */
  readonly labelled: boolean;
  /** Segmentation classes incl. background, or detection classes. */
  readonly numClasses: number;
  /** [H, W, 3] of every sample. */
  readonly inputShape: readonly [number, number, number];
  /** Batch `step` of the stream `seed`: n samples, a pure function of (seed, step, n). */
  trainBatch(seed: number, step: number, n: number): readonly Scene[];
  /** Held-out samples: `count` seeded scenes for the digits; the whole val split (capped at `count`) for a dataset. */
  valSet(count: number, seed?: number): readonly Scene[];
  /**
   * Samples for reported numbers only (never for choosing a checkpoint or a schedule): `count`
   * seeded scenes of the test digits for the digit demos. A dataset has no test split: its val
   * split (check `hasTestSplit`).
   */
  testSet(count: number, seed?: number): readonly Scene[];
  /** True when `testSet` is a split of its own, disjoint from training and validation. */
  readonly hasTestSplit: boolean;
  /** The fixed samples the mask gallery draws. */
  previews(): readonly Scene[];
  /** A user's dataset: its splits as parsed (a run bundle exports them). */
  readonly dataset?: CustomDataset;
}

export interface DigitSourceSeeds {
  readonly valSeed: number;
  readonly previewSeed: number;
  readonly previewCount: number;
  /** Default seed of `testSet` (TEST_SEED when absent). */
  readonly testSeed?: number;
}

/** The default stream of test scenes (the digits of the test pool). */
export const TEST_SEED = 20240917;

/** The demo's digit scenes: exactly the sceneBatch calls the stages made before sources existed. */
export function digitSource(pools: DigitPools, task: Task, scene: Partial<SceneConfig>, size: number, seeds: DigitSourceSeeds): DataSource {
  let previews: readonly Scene[] | null = null;
  return {
    kind: 'digits',
    task,
    labelled: true,
    numClasses: task === 'segmentation' ? SEG_CLASSES : DET_HEAT_CHANNELS,
    inputShape: [size, size, 3],
    trainBatch: (seed, step, n) => sceneBatch(pools.train, seed, step, n, scene),
    valSet: (count, seed = seeds.valSeed) => sceneBatch(pools.val, seed, 0, count, scene),
    testSet: (count, seed = seeds.testSeed ?? TEST_SEED) => sceneBatch(pools.test, seed, 0, count, scene),
    hasTestSplit: true,
    previews: () => (previews ??= sceneBatch(pools.val, seeds.previewSeed, 0, seeds.previewCount, scene)),
  };
}

/**
 * Order of the training samples for `epoch` of the stream `seed`: a seeded Fisher–Yates
 * permutation of 0..count-1, the same in every engine.
 */
export function epochOrder(seed: number, epoch: number, count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const rng = new Rng(mixSeed(seed, epoch));
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

export const CUSTOM_PREVIEW_COUNT = 4;

/**
 * A user's dataset. Training samples are drawn epoch by epoch without replacement: sample number
 * i of the stream is order(seed, ⌊i/N⌋)[i mod N], so batch `step` is a pure function of
 * (seed, step, n) and a run resumes exactly.
 */
export function customSource(dataset: CustomDataset): DataSource {
  const { train, val } = dataset;
  if (train.length === 0 || val.length === 0) throw new Error('custom data source: the dataset needs at least one training and one validation image');
  const cache = new Map<string, Uint32Array>();
  const order = (seed: number, epoch: number) => {
    const key = `${seed}:${epoch}`;
    let o = cache.get(key);
    if (!o) {
      if (cache.size > 8) cache.clear();
      o = epochOrder(seed, epoch, train.length);
      cache.set(key, o);
    }
    return o;
  };
  const previews = val.slice(0, CUSTOM_PREVIEW_COUNT);
  return {
    kind: 'custom',
    task: dataset.task,
    labelled: dataset.labelled,
    numClasses: dataset.numClasses,
    inputShape: [dataset.inputSize, dataset.inputSize, 3],
    trainBatch(seed, step, n) {
      const out: Scene[] = [];
      for (let k = 0; k < n; k++) {
        const i = step * n + k;
        const epoch = Math.floor(i / train.length);
        out.push(train[order(seed, epoch)[i - epoch * train.length]]);
      }
      return out;
    },
    valSet: (count) => val.slice(0, Math.max(1, count)),
    testSet: (count) => val.slice(0, Math.max(1, count)),
    hasTestSplit: false,
    previews: () => previews,
    dataset,
  };
}
