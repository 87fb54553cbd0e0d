import { describe, expect, it } from 'vitest';
import type { MaskSnapshot } from '../train/protocol';
import { colormapLut } from './colormap';
import { composeOverlay } from './overlay';

// 2 previews of 4x4 images; 2x2 masks with 2 tokens: token 0 lights the top-left cell only.
function snapshot(): MaskSnapshot {
  const masks = new Float32Array(2 * 2 * 2 * 2);
  masks[0] = 1; // p0, (0,0), t0
  const images = new Float32Array(2 * 4 * 4 * 3).fill(0.2);
  images.fill(0.8, 4 * 4 * 3); // p1 brighter
  return { step: 0, stage: 'masks', previews: 2, imageSize: [4, 4], maskSize: [2, 2], numTokens: 2, images, masks };
}

const lut = colormapLut('viridis');

describe('composeOverlay', () => {
  it('without a token returns the image as opaque bytes', () => {
    const px = composeOverlay(snapshot(), 1, null, 0.7, lut);
    expect(px.length).toBe(4 * 4 * 4);
    expect(Array.from(px.slice(0, 4))).toEqual([204, 204, 204, 255]);
  });

  it('at opacity 1 shows the colour map of the mask: bright where the token fires', () => {
    const px = composeOverlay(snapshot(), 0, 0, 1, lut);
    const top = Array.from(px.slice(0, 3));
    const bottomRight = Array.from(px.slice((15 * 4), 15 * 4 + 3));
    expect(top).toEqual(Array.from(lut.slice(255 * 3, 255 * 3 + 3)));
    expect(bottomRight).toEqual(Array.from(lut.slice(0, 3)));
  });

  it('interpolates between mask cells and leaves other tokens dark', () => {
    const px = composeOverlay(snapshot(), 0, 0, 1, lut);
    const mid = px[(1 * 4 + 1) * 4 + 1];
    expect(mid).toBeGreaterThan(lut[1]);
    expect(mid).toBeLessThan(lut[255 * 3 + 1]);
    const other = composeOverlay(snapshot(), 0, 1, 1, lut);
    expect(new Set(Array.from(other.filter((_, i) => i % 4 === 1))).size).toBe(1);
  });

  it('treats NaN masks as zero', () => {
    const s = snapshot();
    (s.masks as Float32Array).fill(Number.NaN);
    expect(Array.from(composeOverlay(s, 0, 0, 1, lut).slice(0, 3))).toEqual(Array.from(lut.slice(0, 3)));
  });
});
