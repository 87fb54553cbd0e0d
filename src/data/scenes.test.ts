import { describe, expect, it } from 'vitest';
import { boxArea, iou } from './boxes';
import { loadDigitsNode } from './digitsNode';
import { boldDigit, resampleDigit } from './resample';
import { sceneHash } from './sceneHash';
import { DEFAULT_SCENE_CONFIG, generateScene, generateSceneAt, generateScenes } from './scenes';

const pools = loadDigitsNode();

describe('scene generator', () => {
  it('same seed → identical scenes, bit for bit; different seed → different', () => {
    const a = generateScenes(pools.train, 123, 0, 8);
    const b = generateScenes(pools.train, 123, 0, 8);
    for (let i = 0; i < 8; i++) {
      expect(Buffer.from(a[i].image.buffer).equals(Buffer.from(b[i].image.buffer))).toBe(true);
      expect(a[i].labels).toEqual(b[i].labels);
      expect(a[i].boxes).toEqual(b[i].boxes);
    }
    expect(sceneHash(generateSceneAt(pools.train, 124, 0))).not.toBe(sceneHash(a[0]));
    // Scene i of a stream does not depend on the scenes before it.
    expect(sceneHash(generateSceneAt(pools.train, 123, 5))).toBe(sceneHash(a[5]));
  });

  it('first scene checksum is pinned (catches any behaviour change)', () => {
    const s = generateSceneAt(pools.train, 1, 0);
    expect({ hash: sceneHash(s), boxes: s.boxes }).toMatchInlineSnapshot(`
      {
        "boxes": [
          {
            "cls": 8,
            "x0": 36,
            "x1": 59,
            "y0": 5,
            "y1": 28,
          },
          {
            "cls": 9,
            "x0": 29,
            "x1": 43,
            "y0": 32,
            "y1": 52,
          },
          {
            "cls": 2,
            "x0": 23,
            "x1": 42,
            "y0": 43,
            "y1": 60,
          },
          {
            "cls": 8,
            "x0": 28,
            "x1": 44,
            "y0": 7,
            "y1": 24,
          },
        ],
        "hash": "f7b7de68",
      }
    `);
  });

  it('the first validation and test scenes are pinned too (the splits the reported metrics use)', () => {
    expect(sceneHash(generateSceneAt(pools.val, 20230501, 0))).toBe('4985f59f');
    expect(sceneHash(generateSceneAt(pools.test, 20240917, 0))).toBe('4e18ba33');
  });

  it('labels lie on ink of a digit of that class and boxes are the tight ink boxes', () => {
    for (const s of generateScenes(pools.train, 7, 0, 40)) {
      const inkOf = s.digits.map((d) => resampleDigit(pools.train, d.index, d.size, DEFAULT_SCENE_CONFIG.bold));
      for (let p = 0; p < s.labels.length; p++) {
        const l = s.labels[p];
        if (l === 0) continue;
        const x = p % s.width;
        const y = Math.floor(p / s.width);
        const on = s.digits.some((d, k) => {
          const i = x - d.x;
          const j = y - d.y;
          return d.cls + 1 === l && i >= 0 && j >= 0 && i < d.size && j < d.size && inkOf[k][j * d.size + i] > 0.5;
        });
        expect(on).toBe(true);
      }
      s.digits.forEach((d, k) => {
        let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (let j = 0; j < d.size; j++) {
          for (let i = 0; i < d.size; i++) {
            if (inkOf[k][j * d.size + i] > 0.5) {
              x0 = Math.min(x0, d.x + i); y0 = Math.min(y0, d.y + j);
              x1 = Math.max(x1, d.x + i + 1); y1 = Math.max(y1, d.y + j + 1);
            }
          }
        }
        expect(d.box).toEqual({ x0, y0, x1, y1, cls: pools.train.labels[d.index] });
        expect(d.box.x0).toBeGreaterThanOrEqual(0);
        expect(d.box.x1).toBeLessThanOrEqual(s.width);
      });
      for (let a = 0; a < s.boxes.length; a++) {
        for (let b = a + 1; b < s.boxes.length; b++) expect(iou(s.boxes[a], s.boxes[b])).toBeLessThanOrEqual(0.3);
      }
    }
  });

  it('has the advertised variety: 1–4 digits, 18–32 px, every class, pixels in [0,1]', () => {
    const scenes = generateScenes(pools.train, 9, 0, 200);
    const counts = new Set(scenes.map((s) => s.digits.length));
    expect([...counts].sort()).toEqual([1, 2, 3, 4]);
    const sizes = scenes.flatMap((s) => s.digits.map((d) => d.size));
    expect(Math.min(...sizes)).toBe(18);
    expect(Math.max(...sizes)).toBe(32);
    expect(new Set(scenes.flatMap((s) => s.boxes.map((b) => b.cls))).size).toBe(10);
    expect(scenes.every((s) => s.boxes.every((b) => boxArea(b) > 0))).toBe(true);
    expect(scenes.every((s) => s.image.every((v) => v >= 0 && v <= 1))).toBe(true);
  });

  it('supports other canvas sizes and rejects impossible configs', () => {
    const s = generateScene(pools.val, 3, { height: 32, width: 48, maxSize: 20 });
    expect(s.image.length).toBe(32 * 48 * 3);
    expect(() => generateScene(pools.val, 3, { height: 16, width: 16 })).toThrow(/does not fit/);
  });
});

describe('bold strokes', () => {
  it('thickens a stroke by a grey-level dilation of the source digit', () => {
    // A 5×5 "digit" with one pixel of 200 in the middle and one of 100 at a corner.
    const pixels = new Uint8Array(25);
    pixels[12] = 200;
    pixels[0] = 100;
    const pool = { rows: 5, cols: 5, count: 1, pixels, labels: new Uint8Array([3]) };
    expect(boldDigit(pool, 0, 0)).toEqual(pixels);
    const b1 = boldDigit(pool, 0, 1);
    // The 3×3 square around the centre is 200; (0,0)'s neighbours take 100 where nothing larger reaches.
    expect([...b1]).toEqual([
      100, 100, 0, 0, 0,
      100, 200, 200, 200, 0,
      0, 200, 200, 200, 0,
      0, 200, 200, 200, 0,
      0, 0, 0, 0, 0,
    ]);
    // At the source size, resampling the bold digit gives its values over 255.
    const r = resampleDigit(pool, 0, 5, 1);
    expect(Array.from(r, (v) => Math.round(v * 255))).toEqual([...b1]);
  });

  it('equals the maximum over the clipped (2·bold+1)² square, on real digits and every bold', () => {
    const pool = pools.train;
    const square = (index: number, bold: number) => {
      const { rows, cols } = pool;
      const src = pool.pixels.subarray(index * rows * cols, (index + 1) * rows * cols);
      const out = new Uint8Array(rows * cols);
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < cols; x++) {
          let m = 0;
          for (let yy = Math.max(0, y - bold); yy <= Math.min(rows - 1, y + bold); yy++) {
            for (let xx = Math.max(0, x - bold); xx <= Math.min(cols - 1, x + bold); xx++) m = Math.max(m, src[yy * cols + xx]);
          }
          out[y * cols + x] = m;
        }
      }
      return out;
    };
    for (let index = 0; index < 200; index += 7) {
      for (const bold of [1, 2, 3, 4]) expect(boldDigit(pool, index, bold)).toEqual(square(index, bold));
    }
  });
});
