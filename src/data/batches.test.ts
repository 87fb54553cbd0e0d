import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectionBatch, disposeBatch, sceneBatch, segmentationBatch } from './batches';
import { loadDigitsNode } from './digitsNode';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('tensor batches', () => {
  const pool = loadDigitsNode().train;

  it('builds segmentation and detection tensors of the right shapes without leaks', async () => {
    const scenes = sceneBatch(pool, 5, 2, 3);
    const before = tf.memory().numTensors;
    const seg = segmentationBatch(scenes);
    expect(seg.images.shape).toEqual([3, 64, 64, 3]);
    expect(seg.labels.shape).toEqual([3, 64, 64]);
    expect(seg.labels.dtype).toBe('int32');
    expect(Array.from(await seg.labels.data()).slice(0, 4096)).toEqual(Array.from(scenes[0].labels));
    const det = detectionBatch(scenes);
    expect(det.heatmap.shape).toEqual([3, 16, 16, 10]);
    expect(det.size.shape).toEqual([3, 16, 16, 2]);
    expect(det.offset.shape).toEqual([3, 16, 16, 2]);
    expect(det.mask.shape).toEqual([3, 16, 16, 1]);
    const nObj = scenes.reduce((a, s) => a + s.boxes.length, 0);
    const sum = det.mask.sum();
    expect((await sum.data())[0]).toBeLessThanOrEqual(nObj);
    sum.dispose();
    disposeBatch(seg);
    disposeBatch(det);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('batch k of a stream is scenes [k·n, (k+1)·n)', () => {
    const b = sceneBatch(pool, 5, 2, 3);
    const flat = sceneBatch(pool, 5, 0, 9);
    expect(b[0].labels).toEqual(flat[6].labels);
  });
});
