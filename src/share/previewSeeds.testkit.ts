import type { DigitPool } from '../data/digits';

/** A tiny deterministic digit pool (10 blobs), enough for the scene generator. */
export function syntheticPool(): DigitPool {
  const count = 10;
  const pixels = new Uint8Array(count * 28 * 28);
  for (let d = 0; d < count; d++) for (let y = 6; y < 22; y++) for (let x = 8 + (d % 3); x < 20; x++) pixels[d * 784 + y * 28 + x] = 200 + d;
  return { rows: 28, cols: 28, count, pixels, labels: Uint8Array.from({ length: count }, (_, i) => i) };
}
