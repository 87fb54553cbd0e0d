// Seeded digit scenes: RGB canvases with 1–4 MNIST digits over a noisy coloured background, with
// a per-pixel class map and ink boxes. Pixels and labels use only exact IEEE operations on
// integer-seeded randoms, so a seed gives the same bits in every engine.
import { intersectionArea, iou, type Box } from './boxes';
import type { DigitPool } from './digits';
import { resampleDigit } from './resample';
import { Rng, mixSeed } from './rng';

export interface SceneConfig {
  readonly height: number;
  readonly width: number;
  readonly minDigits: number;
  readonly maxDigits: number;
  /** Side of the square the 28×28 digit is resampled to, in pixels (inclusive range). */
  readonly minSize: number;
  readonly maxSize: number;
  /** A placement is rejected if its ink box has IoU above this with a placed one… */
  readonly maxIoU: number;
  /** …or if more than this fraction of the smaller box is covered (no digit inside another). */
  readonly maxCover: number;
  /** Attempts per digit before it is dropped (so a scene may hold fewer than drawn). */
  readonly maxTries: number;
  /** Resampled intensity above which a pixel is ink (labelled, inside the box). */
  readonly inkThreshold: number;
  /** Per-pixel, per-channel uniform noise amplitude on the background (±). */
  readonly noise: number;
  /** Minimum L1 colour distance (over RGB in [0,1]) between a digit and the background ends. */
  readonly minContrast: number;
  /**
   * Strokes thickened by this many source (28×28) pixels on each side before resampling; 0:
   * MNIST's own. Labels are pixel-exact, so a stroke's width sets how much a one-pixel error at
   * its edges costs: drawing every digit one pixel too wide scores mIoU 0.69 at bold 1 and 0.77
   * at bold 2, and a teacher learns bold-2 scenes faster (val mIoU 0.47 against 0.42 after 1000
   * steps, same net and recipe).
   */
  readonly bold: number;
}

export const DEFAULT_SCENE_CONFIG: SceneConfig = {
  height: 64,
  width: 64,
  minDigits: 1,
  maxDigits: 4,
  minSize: 18,
  maxSize: 32,
  maxIoU: 0.3,
  maxCover: 0.5,
  maxTries: 20,
  inkThreshold: 0.5,
  noise: 0.1,
  minContrast: 0.9,
  bold: 2,
};

export interface PlacedDigit {
  /** Index into the pool the scene was drawn from. */
  readonly index: number;
  readonly cls: number;
  /** Top-left corner and side of the resampled square on the canvas. */
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly box: Box;
}

export interface Scene {
  readonly height: number;
  readonly width: number;
  /** RGB in [0,1], [H, W, 3] row-major. */
  readonly image: Float32Array;
  /** Class per pixel, [H, W]: 0 background, 1..10 = digit 0..9; later digits paint over earlier. */
  readonly labels: Uint8Array;
  /** Tight boxes of each digit's full ink (before occlusion), in placement order. */
  readonly boxes: readonly Box[];
  readonly digits: readonly PlacedDigit[];
}

export function resolveSceneConfig(partial: Partial<SceneConfig> = {}): SceneConfig {
  const c = { ...DEFAULT_SCENE_CONFIG, ...partial };
  const ints: (keyof SceneConfig)[] = ['height', 'width', 'minDigits', 'maxDigits', 'minSize', 'maxSize', 'maxTries'];
  for (const k of ints) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`scene config: ${k} must be a positive integer, got ${c[k]}`);
  }
  if (!Number.isInteger(c.bold) || c.bold < 0 || c.bold > 4) throw new Error(`scene config: bold must be an integer in [0, 4], got ${c.bold}`);
  if (c.minDigits > c.maxDigits) throw new Error('scene config: minDigits > maxDigits');
  if (c.minSize > c.maxSize) throw new Error('scene config: minSize > maxSize');
  if (c.maxSize > Math.min(c.height, c.width)) {
    throw new Error(`scene config: maxSize ${c.maxSize} does not fit a ${c.height}×${c.width} canvas`);
  }
  return c;
}

/** The scene with number `index` of the stream `seed`: computable alone, in any order. */
export function generateSceneAt(pool: DigitPool, seed: number, index: number, config: Partial<SceneConfig> = {}): Scene {
  return generateScene(pool, mixSeed(seed, index), config);
}

export function generateScenes(
  pool: DigitPool,
  seed: number,
  start: number,
  count: number,
  config: Partial<SceneConfig> = {},
): Scene[] {
  const cfg = resolveSceneConfig(config);
  return Array.from({ length: count }, (_, i) => generateScene(pool, mixSeed(seed, start + i), cfg));
}

export function generateScene(pool: DigitPool, seed: number, config: Partial<SceneConfig> = {}): Scene {
  const cfg = resolveSceneConfig(config);
  if (pool.count === 0) throw new Error('scene generator: the digit pool is empty');
  const rng = new Rng(seed);
  const { height: H, width: W } = cfg;
  const image = new Float32Array(H * W * 3);
  const labels = new Uint8Array(H * W);
  const bg = paintBackground(rng, cfg, image);

  const n = rng.int(cfg.minDigits, cfg.maxDigits);
  const digits: PlacedDigit[] = [];
  for (let k = 0; k < n; k++) {
    for (let attempt = 0; attempt < cfg.maxTries; attempt++) {
      const index = rng.int(0, pool.count - 1);
      const size = rng.int(cfg.minSize, cfg.maxSize);
      const x = rng.int(0, W - size);
      const y = rng.int(0, H - size);
      const ink = resampleDigit(pool, index, size, cfg.bold);
      const local = inkBox(ink, size, cfg.inkThreshold);
      if (!local) continue;
      const cls = pool.labels[index];
      const box: Box = { x0: x + local.x0, y0: y + local.y0, x1: x + local.x1, y1: y + local.y1, cls };
      if (!fits(box, digits, cfg)) continue;
      const colour = digitColour(rng, bg, cfg.minContrast);
      blendDigit(image, labels, W, ink, size, x, y, colour, cls + 1, cfg.inkThreshold);
      digits.push({ index, cls, x, y, size, box });
      break;
    }
  }
  return { height: H, width: W, image, labels, boxes: digits.map((d) => d.box), digits };
}

type Rgb = [number, number, number];

/** Linear gradient between two random colours along a random direction, plus uniform noise. */
function paintBackground(rng: Rng, cfg: SceneConfig, image: Float32Array): [Rgb, Rgb] {
  const { height: H, width: W, noise } = cfg;
  const c0: Rgb = [rng.uniform(), rng.uniform(), rng.uniform()];
  const c1: Rgb = [rng.uniform(), rng.uniform(), rng.uniform()];
  const dir = rng.int(0, 3); // horizontal, vertical, two diagonals
  const denom = dir < 2 ? Math.max(1, (dir === 0 ? W : H) - 1) : Math.max(1, W + H - 2);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const t = (dir === 0 ? x : dir === 1 ? y : dir === 2 ? x + y : W - 1 - x + y) / denom;
      const o = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) {
        image[o + c] = clamp01(c0[c] + (c1[c] - c0[c]) * t + noise * (2 * rng.uniform() - 1));
      }
    }
  }
  return [c0, c1];
}

function digitColour(rng: Rng, [c0, c1]: [Rgb, Rgb], minContrast: number): Rgb {
  for (let i = 0; i < 16; i++) {
    const col: Rgb = [rng.uniform(), rng.uniform(), rng.uniform()];
    if (l1(col, c0) >= minContrast && l1(col, c1) >= minContrast) return col;
  }
  // Fallback: per channel, the extreme farthest from the background's mean.
  return [0, 1, 2].map((c) => ((c0[c] + c1[c]) / 2 < 0.5 ? 1 : 0)) as Rgb;
}

function l1(a: Rgb, b: Rgb): number {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** Tight box (exclusive ends) of the pixels above threshold, or null if there are none. */
function inkBox(ink: Float64Array, size: number, threshold: number): Omit<Box, 'cls'> | null {
  let x0 = size;
  let y0 = size;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (ink[y * size + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

function fits(box: Box, placed: readonly PlacedDigit[], cfg: SceneConfig): boolean {
  const area = (b: Box) => (b.x1 - b.x0) * (b.y1 - b.y0);
  for (const p of placed) {
    if (iou(box, p.box) > cfg.maxIoU) return false;
    if (intersectionArea(box, p.box) > cfg.maxCover * Math.min(area(box), area(p.box))) return false;
  }
  return true;
}

function blendDigit(
  image: Float32Array,
  labels: Uint8Array,
  W: number,
  ink: Float64Array,
  size: number,
  x: number,
  y: number,
  colour: Rgb,
  label: number,
  threshold: number,
): void {
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const a = ink[j * size + i];
      if (a === 0) continue;
      const p = (y + j) * W + (x + i);
      for (let c = 0; c < 3; c++) image[p * 3 + c] = image[p * 3 + c] * (1 - a) + colour[c] * a;
      if (a > threshold) labels[p] = label;
    }
  }
}
