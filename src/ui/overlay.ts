// Pixels of one gallery tile: a preview image with one token's mask blended over it.
import type { MaskSnapshot } from '../engine/progress';

/** Half-pixel-aligned bilinear taps from `out` pixels onto `inp` cells: lower cell, upper cell, weight of the upper. */
interface Taps {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly w: Float32Array;
}

const tapCache = new Map<string, Taps>();

function taps(out: number, inp: number): Taps {
  const key = `${out}:${inp}`;
  let t = tapCache.get(key);
  if (!t) {
    const lo = new Int32Array(out);
    const hi = new Int32Array(out);
    const w = new Float32Array(out);
    for (let i = 0; i < out; i++) {
      const f = Math.min(inp - 1, Math.max(0, ((i + 0.5) * inp) / out - 0.5));
      lo[i] = Math.floor(f);
      hi[i] = Math.min(inp - 1, lo[i] + 1);
      w[i] = f - lo[i];
    }
    t = { lo, hi, w };
    tapCache.set(key, t);
  }
  return t;
}

/**
 * RGBA bytes (imageSize, row-major) of preview `p`: the image, and with `token` set, that
 * token's mask through `lut` (256×RGB) blended at `opacity`. `masks` is the [P,h,w,T] field to
 * draw: the teacher's (default) or the student's (`s.studentMasks`).
 */
export function composeOverlay(
  s: MaskSnapshot,
  p: number,
  token: number | null,
  opacity: number,
  lut: Uint8ClampedArray,
  masks: Float32Array = s.masks,
): Uint8ClampedArray {
  const [H, W] = s.imageSize;
  const [h, w] = s.maskSize;
  const T = s.numTokens;
  const out = new Uint8ClampedArray(H * W * 4);
  const a = token === null ? 0 : Math.min(1, Math.max(0, opacity));
  const img = s.images;
  const base = p * H * W * 3;
  const ty = taps(H, h);
  const tx = taps(W, w);
  const plane = p * h * w;
  for (let y = 0; y < H; y++) {
    const r0 = (plane + ty.lo[y] * w) * T;
    const r1 = (plane + ty.hi[y] * w) * T;
    const dy = ty.w[y];
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const o = i * 4;
      let r = img[base + i * 3] * 255;
      let g = img[base + i * 3 + 1] * 255;
      let b = img[base + i * 3 + 2] * 255;
      if (token !== null) {
        const c0 = tx.lo[x] * T + token;
        const c1 = tx.hi[x] * T + token;
        const dx = tx.w[x];
        const m = (masks[r0 + c0] * (1 - dx) + masks[r0 + c1] * dx) * (1 - dy) + (masks[r1 + c0] * (1 - dx) + masks[r1 + c1] * dx) * dy;
        // NaN fails both comparisons and lands on 0.
        const k = (m > 0 ? (m < 1 ? Math.round(m * 255) : 255) : 0) * 3;
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
