// Parser and browser loader for public/data/digits.bin (layout in scripts/prepare-data.mjs).

export const DIGITS_MAGIC = 'MKDG';
export const DIGITS_VERSION = 2;
const HEADER_BYTES = 32;

/** A set of same-sized grey digit images: pixels[i*rows*cols + y*cols + x], 0..255. */
export interface DigitPool {
  readonly rows: number;
  readonly cols: number;
  readonly count: number;
  readonly pixels: Uint8Array;
  /** Digit value 0..9 of each image. */
  readonly labels: Uint8Array;
}

/**
 * The three digit pools; no image is in two of them. `val` picks schedules and checkpoints, `test`
 * is for reported numbers only (scripts/prepare-data.mjs documents the split).
 */
export interface DigitPools {
  readonly train: DigitPool;
  readonly val: DigitPool;
  readonly test: DigitPool;
}

export type DigitSplit = keyof DigitPools;

/** Parses the binary; throws a message that names the problem if the file is not ours. */
export function parseDigits(buffer: ArrayBuffer): DigitPools {
  if (buffer.byteLength < HEADER_BYTES) throw new Error(`digits.bin: ${buffer.byteLength} bytes is too short`);
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== DIGITS_MAGIC) {
    throw new Error(`digits.bin: bad magic "${magic}" (expected "${DIGITS_MAGIC}"); is this the digits file?`);
  }
  const view = new DataView(buffer);
  const version = view.getUint32(4, true);
  if (version !== DIGITS_VERSION) {
    throw new Error(`digits.bin: format version ${version}, expected ${DIGITS_VERSION}; run 'node scripts/prepare-data.mjs'`);
  }
  const rows = view.getUint32(8, true);
  const cols = view.getUint32(12, true);
  const nTrain = view.getUint32(16, true);
  const nVal = view.getUint32(20, true);
  const nTest = view.getUint32(24, true);
  const px = rows * cols;
  const n = nTrain + nVal + nTest;
  const expected = HEADER_BYTES + n * px + n;
  if (buffer.byteLength !== expected) {
    throw new Error(`digits.bin: ${buffer.byteLength} bytes, the header promises ${expected}; the file is truncated or corrupt`);
  }
  const pixels = bytes.subarray(HEADER_BYTES, HEADER_BYTES + n * px);
  const labels = bytes.subarray(HEADER_BYTES + n * px, expected);
  for (let i = 0; i < n; i++) {
    if (labels[i] > 9) throw new Error(`digits.bin: label ${labels[i]} at ${i} is not a digit`);
  }
  const pool = (start: number, count: number): DigitPool => ({
    rows,
    cols,
    count,
    pixels: pixels.subarray(start * px, (start + count) * px),
    labels: labels.subarray(start, start + count),
  });
  return { train: pool(0, nTrain), val: pool(nTrain, nVal), test: pool(nTrain + nVal, nTest) };
}

/** URL of the shipped file, relative to the app's base (works under any deploy path). */
export function digitsUrl(base: string = import.meta.env.BASE_URL): string {
  return `${base.endsWith('/') ? base : `${base}/`}data/digits.bin`;
}

/** Browser/worker loader: fetches the shipped local file, never anything remote. */
export async function loadDigits(url: string = digitsUrl()): Promise<DigitPools> {
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(`Could not load the digit data (${url}: HTTP ${res.status}). Run 'node scripts/prepare-data.mjs' and reload.`);
  }
  return parseDigits(await res.arrayBuffer());
}
