import { describe, expect, it } from 'vitest';
import type { Box } from './boxes';
import { DEFAULT_DECODE, decodeCenterNet, encodeCenterNet, gaussianRadius } from './centernet';
import { loadDigitsNode } from './digitsNode';
import { generateScenes } from './scenes';

const sortBoxes = (bs: readonly Box[]) =>
  bs.map(({ x0, y0, x1, y1, cls }) => ({ x0, y0, x1, y1, cls })).sort((a, b) => a.cls - b.cls || a.x0 - b.x0 || a.y0 - b.y0);

describe('CenterNet targets', () => {
  it('puts exact 1s at centres with size/offset/mask there', () => {
    const boxes: Box[] = [{ x0: 10, y0: 20, x1: 30, y1: 44, cls: 3 }];
    const t = encodeCenterNet(boxes, 64, 64);
    expect([t.gridH, t.gridW]).toEqual([16, 16]);
    const cell = 8 * 16 + 5; // centre (20, 32) / 4 = (5, 8)
    expect(t.heatmap[cell * 10 + 3]).toBe(1);
    expect(t.mask[cell]).toBe(1);
    expect(t.mask.reduce((a, b) => a + b)).toBe(1);
    expect([t.size[cell * 2], t.size[cell * 2 + 1]]).toEqual([5, 6]);
    expect([t.offset[cell * 2], t.offset[cell * 2 + 1]]).toEqual([0, 0]);
    expect(t.heatmap[(cell + 1) * 10 + 3]).toBeGreaterThan(0);
    expect(t.heatmap[(cell + 1) * 10 + 3]).toBeLessThan(1);
    expect(t.heatmap[cell * 10 + 2]).toBe(0);
  });

  it('radius grows with box size', () => {
    expect(gaussianRadius(2, 2)).toBeLessThan(gaussianRadius(7, 7));
    expect(gaussianRadius(7, 5)).toBeGreaterThan(0);
  });

  it('decode(encode(boxes)) returns the same boxes on generated scenes', () => {
    let checked = 0;
    for (const s of generateScenes(loadDigitsNode().val, 11, 0, 60)) {
      const t = encodeCenterNet(s.boxes, s.height, s.width);
      const cells = s.boxes.map((b) => `${Math.floor((b.x0 + b.x1) / 8)},${Math.floor((b.y0 + b.y1) / 8)}`);
      if (new Set(cells).size !== cells.length) continue; // shared centre cell: size/offset collide
      const out = decodeCenterNet(t.heatmap, t.size, t.offset, t.gridH, t.gridW, { threshold: 0.99 });
      expect(out.every((b) => b.score === 1)).toBe(true);
      expect(sortBoxes(out)).toEqual(sortBoxes(s.boxes));
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('decode keeps 3×3 maxima only, sorted, within top-K and threshold', () => {
    const heat = new Float32Array(4 * 4 * 1);
    heat[5] = 0.9; // (1,1)
    heat[6] = 0.5; // neighbour, suppressed
    heat[15] = 0.6; // (3,3) separate peak
    heat[12] = 0.04; // below the default threshold 0.05
    const zeros = new Float32Array(32);
    const out = decodeCenterNet(heat, zeros, zeros, 4, 4, { numClasses: 1, stride: 2 });
    expect(out.map((b) => b.score)).toEqual([Math.fround(0.9), Math.fround(0.6)]);
    expect(out[0]).toMatchObject({ x0: 2, y0: 2, cls: 0 });
    expect(decodeCenterNet(heat, zeros, zeros, 4, 4, { numClasses: 1, topK: 1 })).toHaveLength(1);
    expect(decodeCenterNet(heat, zeros, zeros, 4, 4, { numClasses: 1, threshold: 0.7 })).toHaveLength(1);
  });

  it('defaults to the standard decode: up to 100 peaks with score ≥ 0.05', () => {
    expect(DEFAULT_DECODE).toMatchObject({ topK: 100, threshold: 0.05 });
    // 16×16 grid, 10 classes: an isolated peak every other cell in every class gives 640 peaks.
    const heat = new Float32Array(16 * 16 * 10);
    for (let y = 0; y < 16; y += 2) for (let x = 0; x < 16; x += 2) for (let c = 0; c < 10; c++) heat[(y * 16 + x) * 10 + c] = 0.06 + 0.001 * c;
    const zeros = new Float32Array(16 * 16 * 2);
    const out = decodeCenterNet(heat, zeros, zeros, 16, 16);
    expect(out).toHaveLength(100);
    expect(out.every((b) => b.score >= 0.05)).toBe(true);
    expect(out[0].cls).toBe(9);
  });

  it('rejects mis-sized inputs', () => {
    expect(() => encodeCenterNet([], 62, 64)).toThrow(/stride/);
    expect(() => decodeCenterNet(new Float32Array(3), new Float32Array(2), new Float32Array(2), 1, 1)).toThrow(/heatmap/);
  });
});
