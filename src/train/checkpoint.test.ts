import { describe, expect, it } from 'vitest';
import {
  appendHistory,
  checkpointDue,
  checkpointInfo,
  checkpointTransfer,
  describeCheckpoint,
  historyUpTo,
  validateCheckpoint,
  type Checkpoint,
  type CompareProgress,
} from '../engine/checkpoint';
import { copyCheckpoint } from './runCheckpointer';

const arr = (name: string, shape: number[], fill = 1) => ({ name, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) });

function distillCheckpoint(): Checkpoint {
  return {
    version: 1,
    kind: 'distill',
    config: { method: 'maskd', params: {}, steps: 10, batchSize: 2, lr: 0.01, seed: 1, evalEvery: 5 },
    task: 'segmentation',
    inputSize: 64,
    step: 6,
    total: 10,
    lr: 0.01,
    savedAt: 1,
    reason: 'pause',
    backend: 'webgpu',
    tokens: arr('tok', [4, 8]),
    branch: null,
    student: [arr('k', [3, 3, 3, 8]), arr('b', [8])],
    align: [arr('a', [1, 1, 8, 16])],
    optimizer: [arr('iter', []), arr('k/m', [3, 3, 3, 8])],
    best: { metric: 0.3, step: 5, weights: [arr('k', [3, 3, 3, 8]), arr('b', [8])] },
    history: [
      { step: 1, losses: { task: 2, distill: 1, total: 3 } },
      { step: 5, losses: { task: 1, distill: 0.5, total: 1.5 }, metric: { name: 'mIoU', value: 0.3 } },
    ],
  };
}

describe('checkpoint data', () => {
  it('validates a well-formed checkpoint and survives a structured clone (what IndexedDB does)', () => {
    const c = distillCheckpoint();
    const cloned = structuredClone(c);
    expect(validateCheckpoint(cloned)).toEqual(c);
    expect(cloned.student?.[0].data).toBeInstanceOf(Float32Array);
  });

  it('keeps how the demo students started (fresh or the pretrained backbone) through a clone', () => {
    for (const studentInit of ['pretrained', 'fresh'] as const) {
      const c = { ...distillCheckpoint(), studentInit };
      expect(validateCheckpoint(structuredClone(c)).studentInit).toBe(studentInit);
    }
  });

  it('rejects what would build a wrong run, saying what is wrong', () => {
    const bad = (patch: Record<string, unknown>) => () => validateCheckpoint({ ...distillCheckpoint(), ...patch });
    expect(bad({ version: 2 })).toThrow(/version 2/);
    expect(bad({ kind: 'teacher' })).toThrow(/run kind/);
    expect(bad({ step: 11 })).toThrow(/outside 0…10/);
    expect(bad({ student: [{ name: 'k', shape: [2, 2], data: new Float32Array(3) }] })).toThrow(/3 values for shape \[2,2\]/);
    expect(bad({ optimizer: [{ name: 'm', shape: [2], data: [1, 2] }] })).toThrow(/not a named Float32Array/);
    expect(bad({ history: [{ step: 7, losses: {} }] })).toThrow(/past the checkpoint step/);
    expect(bad({ config: { steps: 10 } })).toThrow(/config lacks/);
    expect(bad({ compare: { methods: ['none', 'fitnet'], rows: [], histories: {} } })).toThrow(/do not include the running one \(maskd\)/);
    expect(bad({ compare: { methods: ['none', 'maskd'], rows: [{ method: 'none' }], histories: {} } })).toThrow(/rows are malformed/);
    expect(bad({ studentInit: 'imagenet' })).toThrow(/studentInit imagenet is not one of pretrained, fresh/);
    expect(() => validateCheckpoint(null)).toThrow(/not an object/);
  });

  it('lists every buffer once for transfer, and a copy shares none of them', () => {
    const c = distillCheckpoint();
    expect(checkpointTransfer(c)).toHaveLength(1 + 2 + 1 + 2 + 2);
    const copy = copyCheckpoint(c);
    const original = new Set(checkpointTransfer(c));
    expect(checkpointTransfer(copy).some((b) => original.has(b))).toBe(false);
    expect(validateCheckpoint(copy)).toEqual(c);
  });

  it('summarises for the resume banner without the weights', () => {
    const info = checkpointInfo(distillCheckpoint());
    expect(info).toMatchObject({ kind: 'distill', method: 'maskd', step: 6, total: 10, reason: 'pause' });
    expect(info).not.toHaveProperty('student');
    expect(describeCheckpoint(info)).toBe('distillation with maskd (segmentation), step 6 of 10');
    const compare: CompareProgress = { methods: ['none', 'maskd'], rows: [], histories: {} };
    const inCompare = checkpointInfo({ ...distillCheckpoint(), compare } as Checkpoint);
    expect(inCompare.compare?.methods).toEqual(['none', 'maskd']);
    expect(describeCheckpoint(inCompare)).toBe('comparison of none, maskd: maskd (segmentation), step 6 of 10');
    expect(validateCheckpoint({ ...distillCheckpoint(), compare }).kind).toBe('distill');
  });
});

describe('history', () => {
  it('appends in step order and replaces a repeated step and what came after it', () => {
    let h = appendHistory([], { step: 1, losses: { total: 3 } });
    h = appendHistory(h, { step: 2, losses: { total: 2 } });
    h = appendHistory(h, { step: 3, losses: { total: 1 } });
    h = appendHistory(h, { step: 2, losses: { total: 2.5 } });
    expect(h.map((e) => [e.step, e.losses.total])).toEqual([
      [1, 3],
      [2, 2.5],
    ]);
  });

  it('a checkpoint owns the history up to its step only', () => {
    const h = [1, 4, 7, 9].map((step) => ({ step, losses: { total: step } }));
    expect(historyUpTo(h, 7).map((e) => e.step)).toEqual([1, 4, 7]);
  });

  it('checkpoints every N steps, never at 0, never with N = 0', () => {
    expect([1, 24, 25, 50, 51].map((s) => checkpointDue(s, 25))).toEqual([false, false, true, true, false]);
    expect(checkpointDue(0, 25)).toBe(false);
    expect(checkpointDue(25, 0)).toBe(false);
  });
});
