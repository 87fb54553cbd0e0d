import { describe, expect, it } from 'vitest';
import { galleryLayout } from './galleryLayout';

describe('galleryLayout', () => {
  it('one row per scene: the scene, then each token, with gaps; tiles never overlap and fit', () => {
    const { width, height, tiles } = galleryLayout(4, 6, 64, 64);
    expect([width, height]).toEqual([2 + 7 * 66, 2 + 4 * 66]);
    expect(tiles.length).toBe(4 * 7);
    expect(tiles[0]).toEqual({ preview: 0, token: null, x: 2, y: 2 });
    expect(tiles[8]).toEqual({ preview: 1, token: 0, x: 68, y: 68 });
    const keys = new Set(tiles.map((t) => `${t.x},${t.y}`));
    expect(keys.size).toBe(tiles.length);
    expect(tiles.every((t) => t.x + 64 <= width && t.y + 64 <= height)).toBe(true);
  });
});
