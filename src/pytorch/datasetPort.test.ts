// The Python port of a dropped dataset's stream (templates/dataset.py.ts) against the page's:
// for the fixture datasets (8 training images), batches of 3 over 6 steps cross two epoch
// boundaries, so every draw of the seeded Fisher-Yates order counts. dataset.py must give the
// page's batches exactly: the same images bit for bit, the same labels, the same CenterNet targets.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDatasetFixtures } from '../../scripts/make-dataset-fixtures.mjs';
import { parseDataset } from '../data/custom/parse';
import { customSource, epochOrder } from '../train/dataSource';
import { readSafetensors, writeSafetensors } from '../share/safetensors';
import { datasetArrays, datasetBundleBytes } from './datasetArrays';
import { PytorchExportError } from './graph';
import { PRELUDE_FILE } from './moduleFiles';
import { recordBatches } from './recordBatches';
import { DATASET_PY } from './templates/dataset.py';
import { PRELUDE_PY } from './templates/prelude.py';
import { SCENES_PY } from './templates/scenes.py';
import { noteWhenNoTorch, torchPython } from './torchPython.testkit';

await tf.setBackend('cpu');
noteWhenNoTorch('datasetPort.test.ts');

const SEED = 7;
const BATCH = 3;
const STEPS = 6;

const DRIVER = String.raw`
import sys, numpy as np, torch
sys.path.insert(0, sys.argv[1])
from maskd_nn import read_safetensors, write_safetensors
from dataset import DatasetStream, epoch_order
d, task, classes, seed, batch, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
arrays = {k: v.numpy() for k, v in read_safetensors(d + "/dataset.safetensors").items()}
stream = DatasetStream(arrays, task, classes)
draws = [stream.samples(stream.indices(seed, s, batch)) for s in range(steps)]
out = {k: torch.from_numpy(np.stack([b[k] for b in draws])) for k in draws[0]}
out["order_1"] = torch.from_numpy(epoch_order(seed, 1, stream.count))
write_safetensors(d + "/got.safetensors", out)
`;

async function fixtureDataset(name: 'seg-valid' | 'det-valid') {
  const files = makeDatasetFixtures()[name].files.map((f) => ({ path: f.path, data: f.data }));
  return parseDataset(files, { inputSize: 32 });
}

it('counts the bytes and refuses a dataset over the limit before copying, saying how big it is', async () => {
  const dataset = await fixtureDataset('seg-valid');
  // 10 images of 32×32: 12 bytes of RGB and 1 label byte per pixel.
  expect(datasetBundleBytes('segmentation', dataset)).toBe(10 * 32 * 32 * 13);
  expect(() => datasetArrays('segmentation', dataset, 10 * 32 * 32 * 13 - 1)).toThrow(PytorchExportError);
  expect(() => datasetArrays('segmentation', dataset, 10 * 32 * 32 * 13 - 1)).toThrow(
    /^cannot continue in PyTorch: the dataset's images and labels take 0\.1 MiB \(8 training and 2 validation images at 32×32\), over the 0\.1 MiB/,
  );
  const arrays = datasetArrays('segmentation', dataset);
  expect(Object.keys(arrays).sort()).toEqual(['train.images', 'train.labels', 'val.images', 'val.labels']);
  expect(arrays['train.images'].shape).toEqual([8, 32, 32, 3]);
});

describe.skipIf(!torchPython)('dataset.py draws the page\'s batches', () => {
  it.each(['segmentation', 'detection'] as const)('%s: 6 steps of 3 over 8 images (3 epochs): images bit for bit, targets exactly', async (task) => {
    const dataset = await fixtureDataset(task === 'segmentation' ? 'seg-valid' : 'det-valid');
    expect(dataset.train).toHaveLength(8);
    const dir = mkdtempSync(join(tmpdir(), 'pt-dataset-'));
    writeFileSync(join(dir, PRELUDE_FILE), PRELUDE_PY);
    writeFileSync(join(dir, 'scenes.py'), SCENES_PY);
    writeFileSync(join(dir, 'dataset.py'), DATASET_PY);
    writeFileSync(join(dir, 'dataset.safetensors'), writeSafetensors(datasetArrays(task, dataset)));
    const r = spawnSync(torchPython!, ['-c', DRIVER, dir, task, String(dataset.numClasses), String(SEED), String(BATCH), String(STEPS)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = readSafetensors(new Uint8Array(readFileSync(join(dir, 'got.safetensors')))).tensors;

    expect(Array.from(got.get('order_1')!.data as BigInt64Array, Number)).toEqual(Array.from(epochOrder(SEED, 1, 8)));
    const source = customSource(dataset);
    const want = recordBatches(task, dataset.numClasses, (step) => source.trainBatch(SEED, step, BATCH), 0, STEPS);
    const keys = task === 'segmentation' ? ['images', 'labels'] : ['images', 'heatmap', 'size', 'offset', 'mask'];
    for (const key of keys) {
      const g = got.get(key)!;
      expect(g.shape, key).toEqual(want[key].shape);
      // Bit patterns for floats (labels are int64 on the Python side, int32 on the page's).
      const bits = (a: ArrayLike<number | bigint>) => (a instanceof Float32Array ? Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length)) : Array.from(a, Number));
      expect(bits(g.data as never), key).toEqual(bits(want[key].data as never));
    }
    if (task === 'detection') expect((want.mask.data as Float32Array).reduce((a, b) => a + b, 0)).toBeGreaterThan(STEPS * BATCH);
  }, 60_000);
});
