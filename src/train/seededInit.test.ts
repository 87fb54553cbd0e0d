import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { buildStudent } from '../models/nets';
import { reseedKernels } from './seededInit';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('gives the same weights for the same seed and different ones for another', async () => {
  const read = async (seed: number): Promise<number[][]> => {
    const m = buildStudent('segmentation', { inputShape: [16, 16, 3] });
    reseedKernels(m, seed);
    const out = await Promise.all(m.weights.map(async (w) => Array.from(await w.read().data())));
    m.dispose();
    return out;
  };
  const [a, b, c] = [await read(1), await read(1), await read(2)];
  expect(a).toEqual(b);
  expect(a).not.toEqual(c);
});
