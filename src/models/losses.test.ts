import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectionLossTerms, focalLoss, maskedL1, segmentationLoss } from './losses';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function scalar(t: tf.Tensor): Promise<number> {
  const v = (await t.data())[0];
  t.dispose();
  return v;
}

describe('segmentationLoss', () => {
  it('equals the hand-computed mean cross-entropy', async () => {
    // Two pixels, three classes.
    const logits = tf.tensor4d([1, 2, 3, 0, 0, 0], [1, 1, 2, 3]);
    const labels = tf.tensor3d([2, 0], [1, 1, 2], 'int32');
    const lse1 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const expected = ((lse1 - 3) + Math.log(3)) / 2;
    expect(await scalar(segmentationLoss(logits, labels))).toBeCloseTo(expected, 5);
    tf.dispose([logits, labels]);
  });

  it('weights foreground pixels and divides by the total weight', async () => {
    const logits = tf.tensor4d([1, 2, 3, 0, 0, 0], [1, 1, 2, 3]);
    const labels = tf.tensor3d([2, 0], [1, 1, 2], 'int32');
    const lse1 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const expected = (5 * (lse1 - 3) + Math.log(3)) / 6;
    expect(await scalar(segmentationLoss(logits, labels, 5))).toBeCloseTo(expected, 5);
    tf.dispose([logits, labels]);
  });

  it('is ~0 for confident correct logits and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const logits = tf.tensor4d([20, 0, 0, 0, 20, 0], [1, 1, 2, 3]);
    const labels = tf.tensor3d([0, 1], [1, 1, 2], 'int32');
    expect(await scalar(segmentationLoss(logits, labels))).toBeLessThan(1e-6);
    tf.dispose([logits, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('focal loss and L1', () => {
  it('matches the CenterNet formula on a hand case', async () => {
    const x = [2, -1, 0.5, -3];
    const gt = [1, 0.5, 0, 0.9];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    let sum = 0;
    x.forEach((v, i) => {
      const p = sig(v);
      if (gt[i] === 1) sum += Math.log(p) * (1 - p) ** 2;
      else sum += Math.log(1 - p) * p ** 2 * (1 - gt[i]) ** 4;
    });
    const logits = tf.tensor4d(x, [1, 2, 2, 1]);
    const target = tf.tensor4d(gt, [1, 2, 2, 1]);
    expect(await scalar(focalLoss(logits, target))).toBeCloseTo(-sum / 1, 5);
    tf.dispose([logits, target]);
  });

  it('is finite with no objects and for extreme logits', async () => {
    const logits = tf.tensor4d([80, -80, 80, -80], [1, 2, 2, 1]);
    const target = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const v = await scalar(focalLoss(logits, target));
    expect(Number.isFinite(v)).toBe(true);
    tf.dispose([logits, target]);
  });

  it('L1 averages over masked values only', async () => {
    const pred = tf.tensor4d([1, 2, 10, 10], [1, 1, 2, 2]);
    const target = tf.tensor4d([0, 0, 0, 0], [1, 1, 2, 2]);
    const mask = tf.tensor4d([1, 0], [1, 1, 2, 1]);
    expect(await scalar(maskedL1(pred, target, mask))).toBeCloseTo(1.5, 3);
    tf.dispose([pred, target, mask]);
  });

  it('detection terms combine with CenterNet weights', async () => {
    const out = tf.zeros([1, 2, 2, 14]) as tf.Tensor4D;
    const t = {
      heatmap: tf.zeros([1, 2, 2, 10]) as tf.Tensor4D,
      size: tf.fill([1, 2, 2, 2], 3) as tf.Tensor4D,
      offset: tf.fill([1, 2, 2, 2], 0.5) as tf.Tensor4D,
      mask: tf.tensor4d([1, 0, 0, 0], [1, 2, 2, 1]),
    };
    const before = tf.memory().numTensors;
    const terms = detectionLossTerms(out, t);
    const [total, heat, size, offset] = await Promise.all([terms.total, terms.heatmap, terms.size, terms.offset].map((x) => x.data()));
    expect(size[0]).toBeCloseTo(3, 3);
    expect(offset[0]).toBeCloseTo(0.5, 3);
    expect(total[0]).toBeCloseTo(heat[0] + 0.1 * 3 + 0.5, 3);
    tf.dispose(Object.values(terms));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([out, ...Object.values(t)]);
  });
});
