import { describe, expect, it } from 'vitest';
import { boxArea, iou } from './boxes';
import { loadDigitsNode } from './digitsNode';
import { resampleDigit } from './resample';
import { sceneHash } from './sceneHash';
import { generateScene, generateSceneAt, generateScenes } from './scenes';

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
            "x0": 40,
            "x1": 56,
            "y0": 6,
            "y1": 22,
          },
          {
            "cls": 9,
            "x0": 32,
            "x1": 41,
            "y0": 36,
            "y1": 50,
          },
          {
            "cls": 2,
            "x0": 25,
            "x1": 36,
            "y0": 48,
            "y1": 59,
          },
          {
            "cls": 8,
            "x0": 30,
            "x1": 41,
            "y0": 9,
            "y1": 20,
          },
        ],
        "hash": "263a0911",
      }
    `);
  });

  it('the first validation and test scenes are pinned too (the splits the reported metrics use)', () => {
    expect(sceneHash(generateSceneAt(pools.val, 20230501, 0))).toBe('1bd542ef');
    expect(sceneHash(generateSceneAt(pools.test, 20240917, 0))).toBe('3343b7b5');
  });

  it('labels lie on ink of a digit of that class and boxes are the tight ink boxes', () => {
    for (const s of generateScenes(pools.train, 7, 0, 40)) {
      const inkOf = s.digits.map((d) => resampleDigit(pools.train, d.index, d.size));
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

  it('has the advertised variety: 1–4 digits, 14–28 px, every class, pixels in [0,1]', () => {
    const scenes = generateScenes(pools.train, 9, 0, 200);
    const counts = new Set(scenes.map((s) => s.digits.length));
    expect([...counts].sort()).toEqual([1, 2, 3, 4]);
    const sizes = scenes.flatMap((s) => s.digits.map((d) => d.size));
    expect(Math.min(...sizes)).toBe(14);
    expect(Math.max(...sizes)).toBe(28);
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
