import { describe, expect, it } from 'vitest';
import { resizeBilinearRgb, resizeNearestLabels, scaleBoxes } from './resize';
import { splitTrainVal, valCount } from './split';

describe('resize', () => {
  it('bilinear: identity at the same size, averages when halving, constant stays constant', () => {
    const data = new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0]);
    const img = { width: 2, height: 2, data };
    expect(Array.from(resizeBilinearRgb(img, 2, 2))).toEqual(Array.from(data, (v) => v / 255));
    expect(Array.from(resizeBilinearRgb(img, 1, 1))).toEqual([0.5, 0.5, 0.5]);
    const flat = { width: 3, height: 5, data: new Uint8Array(45).fill(51) };
    expect(resizeBilinearRgb(flat, 8, 8).every((v) => Math.abs(v - 0.2) < 1e-7)).toBe(true);
  });

  it('nearest keeps class ids (no blends) and picks the pixel under each centre', () => {
    const labels = [0, 1, 2, 3];
    expect(Array.from(resizeNearestLabels(labels, 2, 2, 4, 4))).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
    expect(Array.from(resizeNearestLabels([5, 6, 7, 8, 9, 10], 1, 6, 1, 3))).toEqual([6, 8, 10]);
  });

  it('boxes scale with the image', () => {
    expect(scaleBoxes([{ x0: 10, y0: 4, x1: 20, y1: 8, cls: 1 }], 8, 40, 16, 20)).toEqual([{ x0: 5, y0: 8, x1: 10, y1: 16, cls: 1 }]);
  });
});

describe('split', () => {
  it('holds out round(n·f) ≥ 1, leaves ≥ 1 to train, disjoint and complete, seeded', () => {
    expect([valCount(2, 0.2), valCount(10, 0.2), valCount(10, 0.99), valCount(3, 0.01)]).toEqual([1, 2, 9, 1]);
    const s = splitTrainVal(25, 0.2, 9);
    expect(s.val).toHaveLength(5);
    expect([...s.train, ...s.val].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(splitTrainVal(25, 0.2, 9)).toEqual(s);
    expect(splitTrainVal(25, 0.2, 10).val).not.toEqual(s.val);
    expect(() => splitTrainVal(1, 0.2, 1)).toThrow(/1 image: at least 2/);
  });
});
