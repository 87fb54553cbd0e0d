// Pixels and words for the previews' ground truth: segmentation label maps tinted per digit
// class, detection boxes outlined in the digit's colour, and the digits present as text (so
// colour is never the only carrier of the class).
import type { MaskSnapshot } from '../engine/progress';

/**
 * One colour per digit 0..9 (Trubetskoy's 20 distinct colours, the 10 most distinct).
 * Background pixels keep the image.
 */
export const DIGIT_COLOURS: readonly (readonly [number, number, number])[] = [
  [230, 25, 75],
  [60, 180, 75],
  [255, 225, 25],
  [67, 99, 216],
  [245, 130, 49],
  [145, 30, 180],
  [66, 212, 244],
  [240, 50, 230],
  [191, 239, 69],
  [154, 99, 36],
];

export type TruthKind = 'labels' | 'boxes';

/** Which ground truth a snapshot carries, if any. */
export function truthKind(s: MaskSnapshot): TruthKind | null {
  if (s.labels) return 'labels';
  if (s.boxes) return 'boxes';
  return null;
}

function imageBytes(s: MaskSnapshot, p: number): Uint8ClampedArray {
  const [H, W] = s.imageSize;
  const out = new Uint8ClampedArray(H * W * 4);
  const base = p * H * W * 3;
  for (let i = 0; i < H * W; i++) {
    out[i * 4] = s.images[base + i * 3] * 255;
    out[i * 4 + 1] = s.images[base + i * 3 + 1] * 255;
    out[i * 4 + 2] = s.images[base + i * 3 + 2] * 255;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Label map over the image: digit pixels blended with their class colour at `opacity`. */
export function composeLabelMap(s: MaskSnapshot, p: number, opacity: number): Uint8ClampedArray {
  const [H, W] = s.imageSize;
  const out = imageBytes(s, p);
  const labels = s.labels;
  if (!labels) return out;
  const a = Math.min(1, Math.max(0, opacity));
  const base = p * H * W;
  for (let i = 0; i < H * W; i++) {
    const c = labels[base + i];
    if (c === 0 || c > DIGIT_COLOURS.length) continue;
    const col = DIGIT_COLOURS[c - 1];
    for (let k = 0; k < 3; k++) out[i * 4 + k] = out[i * 4 + k] * (1 - a) + col[k] * a;
  }
  return out;
}

/** The image with each box's border (1 px, inside the box) in its digit's colour. */
export function composeBoxes(s: MaskSnapshot, p: number): Uint8ClampedArray {
  const [H, W] = s.imageSize;
  const out = imageBytes(s, p);
  const put = (x: number, y: number, col: readonly number[]) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const o = (y * W + x) * 4;
    out[o] = col[0];
    out[o + 1] = col[1];
    out[o + 2] = col[2];
  };
  for (const b of s.boxes?.[p] ?? []) {
    const col = DIGIT_COLOURS[b.cls] ?? [255, 255, 255];
    const x0 = Math.round(b.x0);
    const y0 = Math.round(b.y0);
    const x1 = Math.round(b.x1) - 1;
    const y1 = Math.round(b.y1) - 1;
    if (x1 < x0 || y1 < y0) continue;
    for (let x = x0; x <= x1; x++) {
      put(x, y0, col);
      put(x, y1, col);
    }
    for (let y = y0; y <= y1; y++) {
      put(x0, y, col);
      put(x1, y, col);
    }
  }
  return out;
}

/** The ground truth of preview `p` as pixels, or null when the snapshot has none. */
export function composeTruth(s: MaskSnapshot, p: number, opacity: number): Uint8ClampedArray | null {
  const kind = truthKind(s);
  if (kind === 'labels') return composeLabelMap(s, p, opacity);
  if (kind === 'boxes') return composeBoxes(s, p);
  return null;
}

/** Digits of preview `p`: the classes present in the label map (ascending), or one per box (ascending). */
export function digitsIn(s: MaskSnapshot, p: number): number[] {
  if (s.labels) {
    const [H, W] = s.imageSize;
    const seen = new Set<number>();
    for (let i = p * H * W; i < (p + 1) * H * W; i++) if (s.labels[i] > 0) seen.add(s.labels[i] - 1);
    return [...seen].sort((a, b) => a - b);
  }
  return (s.boxes?.[p] ?? []).map((b) => b.cls).sort((a, b) => a - b);
}

/** "digits 3, 7" / "no digits": the words beside a ground-truth tile. */
export function describeDigits(digits: readonly number[]): string {
  if (digits.length === 0) return 'no digits';
  return `${digits.length === 1 ? 'digit' : 'digits'} ${digits.join(', ')}`;
}
