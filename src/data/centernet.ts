// CenterNet target encoding and decoding on plain arrays (no tf), channels-last.
// Grid cell (i, j) covers input pixels [j·s, (j+1)·s) × [i·s, (i+1)·s). Size targets are the box's
// width/height in grid units (pixels / stride), offsets the sub-cell position of the centre.
import type { Box, ScoredBox } from './boxes';

export interface CenterNetOptions {
  /** Feature stride of the head (input pixels per grid cell). */
  readonly stride: number;
  readonly numClasses: number;
  /** CenterNet's minimum IoU of a box shifted within the Gaussian radius. */
  readonly minOverlap: number;
}

export const DEFAULT_CENTERNET: CenterNetOptions = { stride: 4, numClasses: 10, minOverlap: 0.7 };

export interface CenterNetTargets {
  readonly gridH: number;
  readonly gridW: number;
  readonly numClasses: number;
  readonly stride: number;
  /** [gridH, gridW, numClasses], 1 exactly at object centres, Gaussian falloff. */
  readonly heatmap: Float32Array;
  /** [gridH, gridW, 2] = (w, h) / stride at centre cells, 0 elsewhere. */
  readonly size: Float32Array;
  /** [gridH, gridW, 2] = centre/stride − cell (in [0,1)) at centre cells. */
  readonly offset: Float32Array;
  /** [gridH, gridW], 1 at centre cells. */
  readonly mask: Float32Array;
}

/** CenterNet's Gaussian radius (in grid units) for a box of the given size (in grid units). */
export function gaussianRadius(height: number, width: number, minOverlap = 0.7): number {
  const b1 = height + width;
  const c1 = (width * height * (1 - minOverlap)) / (1 + minOverlap);
  const r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;
  const b2 = 2 * (height + width);
  const c2 = (1 - minOverlap) * width * height;
  const r2 = (b2 + Math.sqrt(b2 * b2 - 16 * c2)) / 2;
  const a3 = 4 * minOverlap;
  const b3 = -2 * minOverlap * (height + width);
  const c3 = (minOverlap - 1) * width * height;
  const r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
  return Math.min(r1, r2, r3);
}

export function gridSize(imageH: number, imageW: number, stride: number): [number, number] {
  if (imageH % stride !== 0 || imageW % stride !== 0) {
    throw new Error(`CenterNet: image ${imageH}×${imageW} is not a multiple of the stride ${stride}`);
  }
  return [imageH / stride, imageW / stride];
}

/** Encodes boxes; when two objects share a centre cell, the later one's size/offset win. */
export function encodeCenterNet(
  boxes: readonly Box[],
  imageH: number,
  imageW: number,
  options: Partial<CenterNetOptions> = {},
): CenterNetTargets {
  const { stride, numClasses, minOverlap } = { ...DEFAULT_CENTERNET, ...options };
  const [gh, gw] = gridSize(imageH, imageW, stride);
  const heatmap = new Float32Array(gh * gw * numClasses);
  const size = new Float32Array(gh * gw * 2);
  const offset = new Float32Array(gh * gw * 2);
  const mask = new Float32Array(gh * gw);
  for (const b of boxes) {
    if (b.cls < 0 || b.cls >= numClasses || !Number.isInteger(b.cls)) throw new Error(`CenterNet: class ${b.cls} out of range`);
    const w = (b.x1 - b.x0) / stride;
    const h = (b.y1 - b.y0) / stride;
    const cx = (b.x0 + b.x1) / 2 / stride;
    const cy = (b.y0 + b.y1) / 2 / stride;
    const ix = Math.min(gw - 1, Math.max(0, Math.floor(cx)));
    const iy = Math.min(gh - 1, Math.max(0, Math.floor(cy)));
    const radius = Math.max(0, Math.floor(gaussianRadius(h, w, minOverlap)));
    splatGaussian(heatmap, gh, gw, numClasses, b.cls, ix, iy, radius);
    const cell = iy * gw + ix;
    size[cell * 2] = w;
    size[cell * 2 + 1] = h;
    offset[cell * 2] = cx - ix;
    offset[cell * 2 + 1] = cy - iy;
    mask[cell] = 1;
  }
  return { gridH: gh, gridW: gw, numClasses, stride, heatmap, size, offset, mask };
}

function splatGaussian(
  heat: Float32Array,
  gh: number,
  gw: number,
  nc: number,
  cls: number,
  cx: number,
  cy: number,
  radius: number,
): void {
  const sigma = (2 * radius + 1) / 6;
  for (let dy = -radius; dy <= radius; dy++) {
    const y = cy + dy;
    if (y < 0 || y >= gh) continue;
    for (let dx = -radius; dx <= radius; dx++) {
      const x = cx + dx;
      if (x < 0 || x >= gw) continue;
      let g = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
      if (g < Number.EPSILON) g = 0;
      const k = (y * gw + x) * nc + cls;
      if (g > heat[k]) heat[k] = g;
    }
  }
}

export interface DecodeOptions {
  readonly stride: number;
  readonly numClasses: number;
  /** Keep at most this many peaks over all classes. */
  readonly topK: number;
  /** Minimum heatmap probability of a kept peak. */
  readonly threshold: number;
}

/**
 * CenterNet's standard decode: the top 100 peaks over all classes, kept down to score 0.05 (as the
 * COCO/VOC evaluations of the reference code). A stricter decode (20 peaks, ≥ 0.1) drops
 * low-scoring true positives and biases AP@0.5 down.
 */
export const DEFAULT_DECODE: DecodeOptions = { stride: 4, numClasses: 10, topK: 100, threshold: 0.05 };

/**
 * Boxes from head outputs: `heat` are probabilities (apply the sigmoid first) [gh, gw, C];
 * a peak is a value equal to the max of its 3×3 neighbourhood in its class channel.
 * Sorted by descending score (ties: lower cell/class index first).
 */
export function decodeCenterNet(
  heat: ArrayLike<number>,
  size: ArrayLike<number>,
  offset: ArrayLike<number>,
  gridH: number,
  gridW: number,
  options: Partial<DecodeOptions> = {},
): ScoredBox[] {
  const { stride, numClasses: nc, topK, threshold } = { ...DEFAULT_DECODE, ...options };
  if (heat.length !== gridH * gridW * nc) throw new Error(`decode: heatmap has ${heat.length} values, expected ${gridH * gridW * nc}`);
  if (size.length !== gridH * gridW * 2 || offset.length !== gridH * gridW * 2) {
    throw new Error('decode: size/offset must be [gridH, gridW, 2]');
  }
  const peaks: { score: number; k: number }[] = [];
  for (let y = 0; y < gridH; y++) {
    for (let x = 0; x < gridW; x++) {
      for (let c = 0; c < nc; c++) {
        const k = (y * gridW + x) * nc + c;
        const v = heat[k];
        if (!(v >= threshold)) continue;
        if (isPeak(heat, gridH, gridW, nc, x, y, c, v)) peaks.push({ score: v, k });
      }
    }
  }
  peaks.sort((a, b) => b.score - a.score || a.k - b.k);
  return peaks.slice(0, topK).map(({ score, k }) => {
    const cell = Math.floor(k / nc);
    const cls = k - cell * nc;
    const iy = Math.floor(cell / gridW);
    const ix = cell - iy * gridW;
    const cx = (ix + offset[cell * 2]) * stride;
    const cy = (iy + offset[cell * 2 + 1]) * stride;
    const w = size[cell * 2] * stride;
    const h = size[cell * 2 + 1] * stride;
    return { x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2, cls, score };
  });
}

function isPeak(heat: ArrayLike<number>, gh: number, gw: number, nc: number, x: number, y: number, c: number, v: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= gh) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if (xx < 0 || xx >= gw) continue;
      if (heat[(yy * gw + xx) * nc + c] > v) return false;
    }
  }
  return true;
}
