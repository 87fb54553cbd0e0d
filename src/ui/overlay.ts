// Pixels of one gallery tile: a preview image with one token's mask blended over it.
import type { MaskSnapshot } from '../train/protocol';

/** Bilinear sample of token `t` of preview `p` at image pixel (y, x), half-pixel aligned. */
function sampleMask(s: MaskSnapshot, p: number, t: number, y: number, x: number): number {
  const [H, W] = s.imageSize;
  const [h, w] = s.maskSize;
  const T = s.numTokens;
  const fy = Math.min(h - 1, Math.max(0, ((y + 0.5) * h) / H - 0.5));
  const fx = Math.min(w - 1, Math.max(0, ((x + 0.5) * w) / W - 0.5));
  const y0 = Math.floor(fy);
  const x0 = Math.floor(fx);
  const y1 = Math.min(h - 1, y0 + 1);
  const x1 = Math.min(w - 1, x0 + 1);
  const dy = fy - y0;
  const dx = fx - x0;
  const at = (yy: number, xx: number) => s.masks[((p * h + yy) * w + xx) * T + t];
  return (at(y0, x0) * (1 - dx) + at(y0, x1) * dx) * (1 - dy) + (at(y1, x0) * (1 - dx) + at(y1, x1) * dx) * dy;
}

/**
 * RGBA bytes (imageSize, row-major) of preview `p`: the image, and with `token` set, that
 * token's mask through `lut` (256×RGB) blended at `opacity`.
 */
export function composeOverlay(s: MaskSnapshot, p: number, token: number | null, opacity: number, lut: Uint8ClampedArray): Uint8ClampedArray {
  const [H, W] = s.imageSize;
  const out = new Uint8ClampedArray(H * W * 4);
  const a = token === null ? 0 : Math.min(1, Math.max(0, opacity));
  const img = s.images;
  const base = p * H * W * 3;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const o = i * 4;
      let r = img[base + i * 3] * 255;
      let g = img[base + i * 3 + 1] * 255;
      let b = img[base + i * 3 + 2] * 255;
      if (token !== null) {
        const m = sampleMask(s, p, token, y, x);
        const k = Math.round(Math.min(1, Math.max(0, Number.isFinite(m) ? m : 0)) * 255) * 3;
        r = r * (1 - a) + lut[k] * a;
        g = g * (1 - a) + lut[k + 1] * a;
        b = b * (1 - a) + lut[k + 2] * a;
      }
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = 255;
    }
  }
  return out;
}
