import { describe, expect, it } from 'vitest';
import type { MaskSnapshot } from '../engine/progress';
import { colormapLut } from '../viz/colormap';
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

describe('composeOverlay against a direct per-pixel bilinear reference', () => {
  // The straightforward version (clamped half-pixel coordinates per pixel) the tap tables replace.
  function reference(s: MaskSnapshot, p: number, t: number, opacity: number, masks: Float32Array): number[] {
    const [H, W] = s.imageSize;
    const [h, w] = s.maskSize;
    const T = s.numTokens;
    const out: number[] = [];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const fy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / H - 0.5));
        const fx = Math.min(w - 1, Math.max(0, ((x + 0.5) * w) / W - 0.5));
        const y0 = Math.floor(fy);
        const x0 = Math.floor(fx);
        const y1 = Math.min(h - 1, y0 + 1);
        const x1 = Math.min(w - 1, x0 + 1);
        const at = (yy: number, xx: number) => masks[((p * h + yy) * w + xx) * T + t];
        const dy = fy - y0;
        const dx = fx - x0;
        const m = (at(y0, x0) * (1 - dx) + at(y0, x1) * dx) * (1 - dy) + (at(y1, x0) * (1 - dx) + at(y1, x1) * dx) * dy;
        const k = Math.round(Math.min(1, Math.max(0, m)) * 255) * 3;
        const i = (p * H * W + y * W + x) * 3;
        for (let c = 0; c < 3; c++) out.push(Math.round(s.images[i + c] * 255 * (1 - opacity) + lut[k + c] * opacity));
        out.push(255);
      }
    }
    return out;
  }

  it('matches within one byte for non-square sizes, every token, teacher and student fields', () => {
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const [P, H, W, h, w, T] = [2, 12, 20, 3, 5, 3];
    const masks = new Float32Array(P * h * w * T).map(rand);
    const studentMasks = new Float32Array(P * h * w * T).map(rand);
    const images = new Float32Array(P * H * W * 3).map(rand);
    const s: MaskSnapshot = { step: 0, stage: 'distill', previews: P, imageSize: [H, W], maskSize: [h, w], numTokens: T, images, masks, studentMasks };
    for (const field of [masks, studentMasks]) {
      for (let p = 0; p < P; p++) {
        for (let t = 0; t < T; t++) {
          const got = Array.from(composeOverlay(s, p, t, 0.6, lut, field));
          const want = reference(s, p, t, 0.6, field);
          expect(Math.max(...got.map((v, i) => Math.abs(v - want[i])))).toBeLessThanOrEqual(1);
        }
      }
    }
    // The student's field really is what gets drawn.
    expect(Array.from(composeOverlay(s, 0, 0, 1, lut, studentMasks))).not.toEqual(Array.from(composeOverlay(s, 0, 0, 1, lut)));
  });
});
