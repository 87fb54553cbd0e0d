import { describe, expect, it } from 'vitest';
import type { MaskSnapshot } from '../engine/progress';
import { composeBoxes, composeLabelMap, composeTruth, describeDigits, DIGIT_COLOURS, digitsIn, truthKind } from './groundTruth';

// Two 4×4 previews, grey images; preview 0 has digit 3 on its top row and digit 7 at (3,3).
function labelled(): MaskSnapshot {
  const labels = new Uint8Array(2 * 16);
  labels.fill(1 + 3, 0, 4);
  labels[15] = 1 + 7;
  labels[16 + 5] = 1 + 0;
  return { step: 0, stage: 'masks', previews: 2, imageSize: [4, 4], maskSize: [2, 2], numTokens: 1, images: new Float32Array(2 * 16 * 3).fill(0.5), masks: new Float32Array(8), labels };
}

const rgb = (px: Uint8ClampedArray, i: number) => Array.from(px.slice(i * 4, i * 4 + 3));

describe('label-map colouring', () => {
  it('tints digit pixels with their class colour at full opacity and keeps the background', () => {
    const px = composeLabelMap(labelled(), 0, 1);
    expect(rgb(px, 0)).toEqual([...DIGIT_COLOURS[3]]);
    expect(rgb(px, 15)).toEqual([...DIGIT_COLOURS[7]]);
    expect(rgb(px, 5)).toEqual([128, 128, 128]);
    expect(px[3]).toBe(255);
  });

  it('blends at the opacity and reads its own preview', () => {
    const px = composeLabelMap(labelled(), 0, 0.5);
    const want = DIGIT_COLOURS[3].map((c) => Math.round(127.5 * 0.5 + c * 0.5));
    rgb(px, 0).forEach((v, k) => expect(Math.abs(v - want[k])).toBeLessThanOrEqual(1));
    const other = composeLabelMap(labelled(), 1, 1);
    expect(rgb(other, 5)).toEqual([...DIGIT_COLOURS[0]]);
    expect(rgb(other, 0)).toEqual([128, 128, 128]);
  });

  it('every digit colour differs from the others', () => {
    const keys = new Set(DIGIT_COLOURS.map((c) => c.join(',')));
    expect(keys.size).toBe(10);
  });
});

describe('boxes', () => {
  it('outlines each box inside its pixels in the digit colour, clipped to the image', () => {
    const s: MaskSnapshot = { ...labelled(), labels: undefined, boxes: [[{ x0: 1, y0: 1, x1: 3, y1: 4, cls: 2 }, { x0: 3, y0: -2, x1: 9, y1: 2, cls: 5 }], []] };
    expect(truthKind(s)).toBe('boxes');
    const px = composeBoxes(s, 0);
    // Box 1 covers x 1..2, y 1..3: all its pixels are on the border.
    for (const [x, y] of [[1, 1], [2, 1], [1, 3], [2, 3], [1, 2]]) expect(rgb(px, y * 4 + x)).toEqual([...DIGIT_COLOURS[2]]);
    expect(rgb(px, 0)).toEqual([128, 128, 128]);
    // Box 2 is clipped: its left edge x = 3 is drawn at y 0..1.
    expect(rgb(px, 3)).toEqual([...DIGIT_COLOURS[5]]);
    expect(rgb(px, 4 + 3)).toEqual([...DIGIT_COLOURS[5]]);
    expect(Array.from(composeBoxes(s, 1))).toEqual(Array.from(composeTruth({ ...s, boxes: [[], []] }, 1, 1)!));
  });
});

describe('digits as words', () => {
  it('lists the classes present, or one per box', () => {
    expect(digitsIn(labelled(), 0)).toEqual([3, 7]);
    expect(describeDigits(digitsIn(labelled(), 0))).toBe('digits 3, 7');
    expect(describeDigits(digitsIn(labelled(), 1))).toBe('digit 0');
    const boxes: MaskSnapshot = { ...labelled(), labels: undefined, boxes: [[{ x0: 0, y0: 0, x1: 1, y1: 1, cls: 9 }, { x0: 0, y0: 0, x1: 1, y1: 1, cls: 4 }, { x0: 0, y0: 0, x1: 1, y1: 1, cls: 9 }], []] };
    expect(digitsIn(boxes, 0)).toEqual([4, 9, 9]);
    expect(describeDigits(digitsIn(boxes, 1))).toBe('no digits');
  });

  it('a snapshot without ground truth draws none', () => {
    const s: MaskSnapshot = { ...labelled(), labels: undefined };
    expect(truthKind(s)).toBeNull();
    expect(composeTruth(s, 0, 1)).toBeNull();
  });
});
