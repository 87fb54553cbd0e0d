// Pixels of a dataset preview: the image with its labels tinted over it (segmentation) or its
// boxes outlined (detection), one colour per class.
import type { DatasetPreview } from '../engine/datasets';

/** Distinct colours for class 1, 2, … (class 0, background, is not tinted). */
export function classColour(cls: number): [number, number, number] {
  const hue = (cls * 0.618034) % 1;
  const h = hue * 6;
  const x = 1 - Math.abs((h % 2) - 1);
  const rgb = h < 1 ? [1, x, 0] : h < 2 ? [x, 1, 0] : h < 3 ? [0, 1, x] : h < 4 ? [0, x, 1] : h < 5 ? [x, 0, 1] : [1, 0, x];
  return rgb.map((v) => Math.round(55 + 200 * v)) as [number, number, number];
}

/** RGBA, [H, W, 4]. Label tint: 50 % blend; boxes: 1-px outlines in the class colour (detection class k → colour k + 1). */
export function previewPixels(p: DatasetPreview, alpha = 0.5): Uint8ClampedArray {
  const { height: h, width: w } = p;
  const out = new Uint8ClampedArray(h * w * 4);
  for (let i = 0; i < h * w; i++) {
    const cls = p.labels ? p.labels[i] : 0;
    const tint = cls > 0 ? classColour(cls) : null;
    for (let c = 0; c < 3; c++) {
      const v = p.image[i * 3 + c] * 255;
      out[i * 4 + c] = tint ? v * (1 - alpha) + tint[c] * alpha : v;
    }
    out[i * 4 + 3] = 255;
  }
  for (const b of p.boxes) {
    const col = classColour(b.cls + 1);
    const x0 = Math.max(0, Math.floor(b.x0));
    const y0 = Math.max(0, Math.floor(b.y0));
    const x1 = Math.min(w - 1, Math.ceil(b.x1) - 1);
    const y1 = Math.min(h - 1, Math.ceil(b.y1) - 1);
    const put = (x: number, y: number) => {
      const o = (y * w + x) * 4;
      out[o] = col[0];
      out[o + 1] = col[1];
      out[o + 2] = col[2];
    };
    for (let x = x0; x <= x1; x++) {
      put(x, y0);
      put(x, y1);
    }
    for (let y = y0; y <= y1; y++) {
      put(x0, y);
      put(x1, y);
    }
  }
  return out;
}
