// Resizing to the model's input: bilinear for images (half-pixel centres, like
// tf.image.resizeBilinear with halfPixelCenters), nearest for label maps (no invented classes),
// and box coordinates scaled by the same factors.
import type { Box } from '../boxes';
import type { RgbImage } from './types';

/** 8-bit RGB → float RGB in [0, 1] at outH × outW. */
export function resizeBilinearRgb(img: RgbImage, outH: number, outW: number): Float32Array {
  const { width: w, height: h, data } = img;
  const out = new Float32Array(outH * outW * 3);
  const sy = h / outH;
  const sx = w / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const ty = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const tx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = data[(y0 * w + x0) * 3 + c];
        const b = data[(y0 * w + x1) * 3 + c];
        const d = data[(y1 * w + x0) * 3 + c];
        const e = data[(y1 * w + x1) * 3 + c];
        const top = a + (b - a) * tx;
        const bottom = d + (e - d) * tx;
        out[(y * outW + x) * 3 + c] = (top + (bottom - top) * ty) / 255;
      }
    }
  }
  return out;
}

/** Nearest-neighbour resize of a class map: each output pixel takes the class under its centre. */
export function resizeNearestLabels(values: ArrayLike<number>, h: number, w: number, outH: number, outW: number): Uint8Array {
  const out = new Uint8Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / outH));
    for (let x = 0; x < outW; x++) {
      const sx = Math.min(w - 1, Math.floor(((x + 0.5) * w) / outW));
      out[y * outW + x] = values[sy * w + sx];
    }
  }
  return out;
}

/** Boxes from an h × w image onto outH × outW (coordinates scale; classes stay). */
export function scaleBoxes(boxes: readonly Box[], h: number, w: number, outH: number, outW: number): Box[] {
  const fx = outW / w;
  const fy = outH / h;
  return boxes.map((b) => ({ x0: b.x0 * fx, y0: b.y0 * fy, x1: b.x1 * fx, y1: b.y1 * fy, cls: b.cls }));
}
