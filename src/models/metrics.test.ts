import { describe, expect, it } from 'vitest';
import type { Box, ScoredBox } from '../data/boxes';
import { accumulateConfusion, apFromMatches, argmaxLabels, averagePrecision, classIoU, createConfusion, meanIoU, pixelAccuracy } from './metrics';

function conf(gt: number[], pred: number[], k = 11) {
  const c = createConfusion(k);
  accumulateConfusion(c, gt, pred);
  return c;
}

describe('segmentation metrics', () => {
  it('perfect prediction', () => {
    const gt = [0, 0, 1, 1, 5, 0];
    const c = conf(gt, gt);
    expect(meanIoU(c)).toBe(1);
    expect(pixelAccuracy(c)).toBe(1);
  });

  it('counts only classes present in GT or prediction', () => {
    // gt: 3×bg, 1×class1; pred misses the digit → IoU bg = 3/4, class1 = 0.
    const c = conf([0, 0, 0, 1], [0, 0, 0, 0]);
    expect(classIoU(c)[0]).toBe(0.75);
    expect(classIoU(c)[1]).toBe(0);
    expect(Number.isNaN(classIoU(c)[2])).toBe(true);
    expect(meanIoU(c)).toBe(0.375);
    expect(pixelAccuracy(c)).toBe(0.75);
  });

  it('one pixel off', () => {
    // gt class 2 on 4 pixels, prediction labels one of them background.
    const c = conf([0, 0, 2, 2, 2, 2], [0, 0, 2, 2, 2, 0]);
    expect(classIoU(c)[2]).toBe(0.75);
    expect(classIoU(c)[0]).toBeCloseTo(2 / 3, 12);
    expect(meanIoU(c)).toBeCloseTo((0.75 + 2 / 3) / 2, 12);
  });

  it('empty input gives NaN; bad labels throw', () => {
    const c = createConfusion(11);
    expect(Number.isNaN(meanIoU(c))).toBe(true);
    expect(Number.isNaN(pixelAccuracy(c))).toBe(true);
    expect(() => accumulateConfusion(c, [11], [0])).toThrow(/out of range/);
  });

  it('argmax over channels-last logits', () => {
    expect(Array.from(argmaxLabels([0, 1, 0.5, 3, 2, 1], 3))).toEqual([1, 0]);
  });
});

const box = (x0: number, y0: number, x1: number, y1: number, cls: number): Box => ({ x0, y0, x1, y1, cls });
const det = (b: Box, score: number): ScoredBox => ({ ...b, score });

describe('averagePrecision (VOC, all-point)', () => {
  const gts = [[box(0, 0, 10, 10, 1), box(20, 20, 30, 30, 2)], [box(5, 5, 15, 15, 1)]];

  it('perfect detections → 1', () => {
    const r = averagePrecision(gts.map((g) => g.map((b) => det(b, 0.9))), gts);
    expect(r.mAP).toBe(1);
    expect(r.perClass[1]).toBe(1);
    expect(r.perClass[0]).toBeNull();
  });

  it('no detections → 0; no GT at all → NaN', () => {
    expect(averagePrecision([[], []], gts).mAP).toBe(0);
    expect(Number.isNaN(averagePrecision([[det(box(0, 0, 1, 1, 3), 1)]], [[]]).mAP)).toBe(true);
  });

  it('one off: a shifted box below IoU 0.5, a duplicate, a wrong class', () => {
    const dets = [
      [det(box(0, 0, 10, 10, 1), 0.9), det(box(0, 0, 10, 10, 1), 0.8), det(box(20, 20, 30, 30, 3), 0.7)],
      [det(box(10, 10, 20, 20, 1), 0.95)], // IoU with (5,5,15,15) = 25/175 < 0.5
    ];
    const r = averagePrecision(dets, gts);
    // class 1, by score: FP(0.95), TP(0.9), FP dup(0.8); 2 GT → precision at recall ½ is ½ → AP 0.25.
    expect(r.perClass[1]).toBe(0.25);
    expect(r.perClass[2]).toBe(0);
    expect(r.perClass[3]).toBeNull();
    expect(r.mAP).toBe(0.125);
  });

  it('all-point interpolation uses the precision envelope', () => {
    // TP, FP, TP with 2 GT: recall ½ at p=1, recall 1 at p=2/3 → AP = ½·1 + ½·⅔.
    expect(apFromMatches([1, 0, 1], 2)).toBeCloseTo(0.5 + 1 / 3, 12);
    // FP then TP: envelope lifts the first step to ½.
    expect(apFromMatches([0, 1], 1)).toBe(0.5);
  });
});
