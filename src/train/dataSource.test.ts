import { describe, expect, it } from 'vitest';
import { makeDatasetFixtures } from '../../scripts/make-dataset-fixtures.mjs';
import { sceneBatch } from '../data/batches';
import { parseDataset } from '../data/custom/parse';
import { loadDigitsNode } from '../data/digitsNode';
import { customSource, digitSource, epochOrder, TEST_SEED } from './dataSource';

describe('digit source', () => {
  it('gives bit for bit the scenes the stages drew with sceneBatch', () => {
    const pools = loadDigitsNode();
    const scene = { height: 32, width: 32, minSize: 7, maxSize: 14 };
    const src = digitSource(pools, 'segmentation', scene, 32, { valSeed: 11, previewSeed: 12, previewCount: 3 });
    expect(src.numClasses).toBe(11);
    expect(src.inputShape).toEqual([32, 32, 3]);
    const a = src.trainBatch(5, 3, 4);
    const b = sceneBatch(pools.train, 5, 3, 4, scene);
    expect(a.map((s) => Array.from(s.image))).toEqual(b.map((s) => Array.from(s.image)));
    expect(a.map((s) => Array.from(s.labels))).toEqual(b.map((s) => Array.from(s.labels)));
    expect(src.valSet(6).map((s) => s.boxes)).toEqual(sceneBatch(pools.val, 11, 0, 6, scene).map((s) => s.boxes));
    expect(src.valSet(2, 99).map((s) => s.boxes)).toEqual(sceneBatch(pools.val, 99, 0, 2, scene).map((s) => s.boxes));
    expect(src.testSet(3).map((s) => s.boxes)).toEqual(sceneBatch(pools.test, TEST_SEED, 0, 3, scene).map((s) => s.boxes));
    expect(src.testSet(2, 99).map((s) => s.boxes)).toEqual(sceneBatch(pools.test, 99, 0, 2, scene).map((s) => s.boxes));
    expect(src.hasTestSplit).toBe(true);
    expect(src.previews()).toBe(src.previews());
    expect(src.previews().map((s) => s.boxes)).toEqual(sceneBatch(pools.val, 12, 0, 3, scene).map((s) => s.boxes));
    expect(digitSource(pools, 'detection', {}, 64, { valSeed: 1, previewSeed: 2, previewCount: 1 }).numClasses).toBe(10);
  });
});

describe('custom source', () => {
  it('epoch orders are seeded permutations', () => {
    const o = epochOrder(3, 0, 10);
    expect(Array.from(o).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochOrder(3, 0, 10)).toEqual(o);
    expect(epochOrder(3, 1, 10)).not.toEqual(o);
    expect(epochOrder(4, 0, 10)).not.toEqual(o);
  });

  it('batch k is a pure function of (seed, k, n); each epoch visits every training image once', async () => {
    const d = await parseDataset(makeDatasetFixtures()['seg-valid'].files, { inputSize: 16 });
    const src = customSource(d);
    expect(src.kind).toBe('custom');
    expect(src.numClasses).toBe(3);
    expect(src.inputShape).toEqual([16, 16, 3]);
    const n = d.train.length; // 8
    const epoch = [0, 1, 2, 3].flatMap((k) => src.trainBatch(7, k, 2));
    expect(new Set(epoch).size).toBe(n);
    expect(epoch.every((s) => d.train.includes(s))).toBe(true);
    expect(src.trainBatch(7, 2, 2)).toEqual(epoch.slice(4, 6));
    // Batches that straddle epochs continue the stream.
    const straddle = src.trainBatch(7, 2, 3); // samples 6, 7, 8
    expect(straddle.slice(0, 2)).toEqual(epoch.slice(6, 8));
    expect(straddle[2]).toBe(d.train[epochOrder(7, 1, n)[0]]);
    expect(src.trainBatch(8, 0, 8)).not.toEqual(src.trainBatch(7, 0, 8));
    expect(src.valSet(64)).toEqual(d.val);
    expect(src.valSet(1)).toHaveLength(1);
    expect(src.testSet(64)).toEqual(d.val);
    expect(src.hasTestSplit).toBe(false);
    expect(src.previews()).toEqual(d.val.slice(0, 4));
  });
});
