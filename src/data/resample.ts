import type { DigitPool } from './digits';

/**
 * The source image `index` with its strokes thickened by `bold` pixels on each side: a grey-level
 * dilation (the maximum over the (2·bold+1)² square around each pixel, clipped to the image).
 * bold 0: the image as is. Taken as a maximum along the rows, then along the columns of that
 * (the clipped square is a product of two intervals): the same values, ~(2·bold+1)/2 times fewer
 * comparisons — this was most of a scene's generation time.
 */
export function boldDigit(pool: DigitPool, index: number, bold: number): Uint8Array {
  const { rows, cols, pixels } = pool;
  const base = index * rows * cols;
  const src = pixels.subarray(base, base + rows * cols);
  if (bold <= 0) return src;
  const across = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    const row = y * cols;
    for (let x = 0; x < cols; x++) {
      let m = 0;
      const x1 = Math.min(cols - 1, x + bold);
      for (let xx = Math.max(0, x - bold); xx <= x1; xx++) if (src[row + xx] > m) m = src[row + xx];
      across[row + x] = m;
    }
  }
  const out = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    const y0 = Math.max(0, y - bold);
    const y1 = Math.min(rows - 1, y + bold);
    for (let x = 0; x < cols; x++) {
      let m = 0;
      for (let yy = y0; yy <= y1; yy++) if (across[yy * cols + x] > m) m = across[yy * cols + x];
      out[y * cols + x] = m;
    }
  }
  return out;
}

/**
 * Bilinear resampling of pool image `index` (its strokes thickened by `bold` source pixels, see
 * boldDigit) to size×size intensities in [0, 1], with half-pixel centres and edge clamping. Only
 * + − × ÷, max and floor, so every engine gives the same bits.
 */
export function resampleDigit(pool: DigitPool, index: number, size: number, bold = 0): Float64Array {
  const { rows, cols } = pool;
  const pixels = boldDigit(pool, index, bold);
  const base = 0;
  const out = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    let sy = ((y + 0.5) * rows) / size - 0.5;
    if (sy < 0) sy = 0;
    if (sy > rows - 1) sy = rows - 1;
    const y0 = Math.floor(sy);
    const y1 = y0 + 1 < rows ? y0 + 1 : y0;
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      let sx = ((x + 0.5) * cols) / size - 0.5;
      if (sx < 0) sx = 0;
      if (sx > cols - 1) sx = cols - 1;
      const x0 = Math.floor(sx);
      const x1 = x0 + 1 < cols ? x0 + 1 : x0;
      const fx = sx - x0;
      const top = pixels[base + y0 * cols + x0] + (pixels[base + y0 * cols + x1] - pixels[base + y0 * cols + x0]) * fx;
      const bot = pixels[base + y1 * cols + x0] + (pixels[base + y1 * cols + x1] - pixels[base + y1 * cols + x0]) * fx;
      out[y * size + x] = (top + (bot - top) * fy) / 255;
    }
  }
  return out;
}
