// Axis-aligned boxes in image pixels. Edges are continuous coordinates: a box covers the pixels
// x0 ≤ x < x1, y0 ≤ y < y1 (so a one-pixel box has x1 = x0 + 1; no VOC "+1").

export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  /** Digit value 0..9. */
  readonly cls: number;
}

export interface ScoredBox extends Box {
  readonly score: number;
}

export function boxArea(b: Box): number {
  return Math.max(0, b.x1 - b.x0) * Math.max(0, b.y1 - b.y0);
}

export function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Intersection over union, 0 when both are empty. */
export function iou(a: Box, b: Box): number {
  const inter = intersectionArea(a, b);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}
