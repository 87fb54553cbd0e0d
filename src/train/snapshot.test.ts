import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { sceneBatch } from '../data/batches';
import { loadDigitsNode } from '../data/digitsNode';
import { receptiveMasks } from '../maskd/ops';
import { ReceptiveTokens } from '../maskd/tokens';
import { EngineSession } from './engineSession';
import type { EngineEvent } from '../engine/contract';
import type { MaskSnapshot } from '../engine/progress';
import { snapshotTransfer } from '../engine/transfer';
import { groundTruth, maskSnapshot } from './snapshot';

beforeAll(async () => {
  await useWasmBackend();
});

const pools = loadDigitsNode();

function conv(inC: number, outC: number, seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [16, 16, inC], filters: outC, kernelSize: 1, kernelInitializer: tf.initializers.randomNormal({ seed }) })],
  });
}

describe('maskSnapshot', () => {
  it('adds the student masks: the same tokens on align(student backbone(images))', async () => {
    const previews = sceneBatch(pools.val, 7, 0, 2, { height: 16, width: 16, minSize: 6, maxSize: 8 });
    const teacher = conv(3, 4, 1);
    const student = conv(3, 2, 2);
    const align = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [16, 16, 2], filters: 4, kernelSize: 1, kernelInitializer: tf.initializers.randomNormal({ seed: 3 }) })] });
    const tokens = ReceptiveTokens.create({ numTokens: 3, channels: 4, seed: 5, std: 1 });
    const n0 = tf.memory().numTensors;
    const snap = await maskSnapshot(teacher, tokens, null, previews, 9, 'distill', {
      task: 'segmentation',
      student: { backbone: student, align, customMask: true },
    });
    expect(tf.memory().numTensors).toBe(n0);
    const images = tf.tensor4d(snap.images, [2, 16, 16, 3]);
    const expected = receptiveMasks(align.apply(student.apply(images)) as tf.Tensor4D, tokens.tensor);
    const want = await expected.data();
    expect(snap.studentMasks).toHaveLength(snap.masks.length);
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(want[i] - snap.studentMasks![i]));
    expect(maxDiff).toBeLessThan(1e-5);
    // Not the teacher's masks: the student's feature differs.
    let sameAsTeacher = 0;
    for (let i = 0; i < want.length; i++) sameAsTeacher += Math.abs(snap.masks[i] - snap.studentMasks![i]);
    expect(sameAsTeacher).toBeGreaterThan(1e-2);
    expect(snap.customMask).toBe(true);
    expect(snap.labels).toHaveLength(2 * 16 * 16);
    expect(Array.from(snap.labels!.subarray(256, 512))).toEqual(Array.from(previews[1].labels));
    expect(snap.boxes).toBeUndefined();
    expect(snapshotTransfer(snap)).toHaveLength(4);
    tf.dispose([images, expected]);
    tokens.dispose();
    [teacher, student, align].forEach((m) => m.dispose());
  });

  it('leaves the student fields out without a student, and gives boxes for detection', async () => {
    const previews = sceneBatch(pools.val, 7, 0, 2, { height: 16, width: 16, minSize: 6, maxSize: 8 });
    const teacher = conv(3, 4, 1);
    const tokens = ReceptiveTokens.create({ numTokens: 2, channels: 4, seed: 5 });
    const snap = await maskSnapshot(teacher, tokens, null, previews, 0, 'masks', { task: 'detection' });
    expect(snap.studentMasks).toBeUndefined();
    expect(snap.customMask).toBeUndefined();
    expect(snap.labels).toBeUndefined();
    expect(snap.boxes).toEqual(previews.map((s) => s.boxes.map(({ x0, y0, x1, y1, cls }) => ({ x0, y0, x1, y1, cls }))));
    expect(snapshotTransfer(snap)).toHaveLength(2);
    tokens.dispose();
    teacher.dispose();
  });

  it('ground truth copies the label maps preview after preview', () => {
    const previews = sceneBatch(pools.val, 3, 0, 3, { height: 16, width: 16, minSize: 6, maxSize: 8 });
    const { labels } = groundTruth(previews, 'segmentation');
    expect(labels).toHaveLength(3 * 256);
    for (let p = 0; p < 3; p++) expect(Array.from(labels!.subarray(p * 256, (p + 1) * 256))).toEqual(Array.from(previews[p].labels));
  });
});

describe('engine session, stage 2 with MasKD', () => {
  it('posts teacher and student masks during and at the end of the run; the custom-mask flag follows the warm-up', async () => {
    const events: EngineEvent[] = [];
    const s = new EngineSession((e) => events.push(e));
    s.pools = pools;
    await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 16 });
    await s.learnMasks(1, { numTokens: 2, steps: 1, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1 });
    const stage1 = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
    expect(stage1.every((x) => x.studentMasks === undefined && x.labels?.length === 4 * 256)).toBe(true);

    events.length = 0;
    await s.distill(2, { method: 'maskd', params: { customMask: true, customMaskWarmupShare: 2 / 3 }, steps: 3, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 3, valCount: 2 });
    const snaps: MaskSnapshot[] = events.flatMap((e) => (e.type === 'snapshot' ? [e.snapshot] : []));
    expect(snaps[0].step).toBe(0);
    expect(snaps.at(-1)!.step).toBe(3);
    for (const x of snaps) {
      expect(x.stage).toBe('distill');
      expect(x.studentMasks).toHaveLength(x.masks.length);
      expect(x.customMask).toBe(x.step >= 2);
    }
    // The student learns, so its masks move between the first and the last snapshot.
    let moved = 0;
    for (let i = 0; i < snaps[0].studentMasks!.length; i++) moved += Math.abs(snaps[0].studentMasks![i] - snaps.at(-1)!.studentMasks![i]);
    expect(moved).toBeGreaterThan(0);

    events.length = 0;
    await s.distill(3, { method: 'fitnet', params: {}, steps: 1, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 1, valCount: 2 });
    expect(events.some((e) => e.type === 'snapshot')).toBe(false);
    s.dispose();
  }, 60_000);
});
