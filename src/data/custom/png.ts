// PNG decoding with fast-png (pure JS, so label values are exact and Node tests run): images to
// 8-bit RGB, label maps to one class id per pixel.
//
// fast-png allocates what the IHDR declares and inflates every IDAT byte into one buffer, so
// before it runs: the header's size is checked against the pixel caps (src/limits.ts); the
// compressed data is inflated in 1 KiB steps (at most ~1 MB of output each, nothing kept) and
// stopped as soon as it exceeds what the header's rows need (a deflate bomb under a small
// header); and only the chunks fast-png needs (IHDR, PLTE, tRNS, IDAT, IEND) are passed on, so no
// ancillary chunk such as iCCP is inflated unbounded.
import { Unzlib } from 'fflate';
import { convertIndexedToRgb, decode, hasPngSignature, type DecodedPng } from 'fast-png';
import { LIMITS, limitText } from '../../limits';
import { formatByteCount, groupDigits } from '../../messageNumbers';
import { checkImageSize, readPngHeader, type PngHeader } from './imageHeader';
import { DatasetError, type DatasetFile, type RgbImage } from './types';
import { errorText } from '../../errorText';

export function isPng(data: ArrayBuffer): boolean {
  return data.byteLength >= 8 && hasPngSignature(new Uint8Array(data, 0, 8));
}

/** The decoder fast-png provides; an object so tests can watch what it is asked to decode. */
export const pngDecoder = { decode: (bytes: Uint8Array): DecodedPng => decode(bytes) };

const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Readonly<Record<number, readonly number[]>> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
// Adam7 passes: x start, y start, x step, y step.
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Bytes the inflated IDAT stream of this header holds: per row a filter byte and the packed samples. */
export function pngRawBytes(h: Pick<PngHeader, 'width' | 'height' | 'depth' | 'colorType' | 'interlace'>): number {
  const bits = h.depth * (CHANNELS[h.colorType] ?? 4);
  const rows = (w: number, n: number) => (w > 0 && n > 0 ? n * (1 + Math.ceil((w * bits) / 8)) : 0);
  if (h.interlace !== 1) return rows(h.width, h.height);
  return ADAM7.reduce((sum, [xs, ys, dx, dy]) => sum + rows(Math.ceil((h.width - xs) / dx), Math.ceil((h.height - ys) / dy)), 0);
}

const INFLATE_STEP = 1024;
const KEPT_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);

/**
 * The PNG's IHDR after the size checks, and a copy holding only the chunks fast-png needs, once
 * its compressed data is known to inflate to no more than the rows need (+ slack).
 */
export function checkedPng(file: DatasetFile, what: string): { header: PngHeader; bytes: Uint8Array } {
  const b = new Uint8Array(file.data);
  const header = readPngHeader(b);
  if (!header) throw new DatasetError(file.path, `cannot be read as a PNG ${what} (its first chunk is not a valid IHDR header)`);
  checkImageSize(file.path, header, what);
  if (!(DEPTHS[header.colorType] ?? []).includes(header.depth)) {
    throw new DatasetError(file.path, `cannot be read as a PNG ${what} (colour type ${header.colorType} with bit depth ${header.depth} is not a PNG format)`);
  }
  // Walk the chunks: each one must lie inside the file; keep the ones fast-png reads.
  const kept: Uint8Array[] = [b.subarray(0, 8)];
  const idat: Uint8Array[] = [];
  let at = 8;
  let ended = false;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  while (at + 12 <= b.length && !ended) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    const end = at + 12 + length;
    if (end > b.length) throw new DatasetError(file.path, `cannot be read as a PNG ${what} (chunk "${type.replace(/[^ -~]/g, '?')}" runs past the end of the file: truncated?)`);
    if (KEPT_CHUNKS.has(type)) kept.push(b.subarray(at, end));
    if (type === 'IDAT') idat.push(b.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') ended = true;
    at = end;
  }
  if (!ended) throw new DatasetError(file.path, `cannot be read as a PNG ${what} (no IEND chunk: the file is truncated)`);
  if (idat.length === 0) throw new DatasetError(file.path, `cannot be read as a PNG ${what} (it has no image data, IDAT)`);

  // Inflate step by step, counting, and stop at the budget (nothing is kept).
  const need = pngRawBytes(header);
  const budget = need + LIMITS.pngInflateSlack.value;
  let inflated = 0;
  let failed: string | null = null;
  const inflater = new Unzlib((chunk) => {
    inflated += chunk.length;
  });
  try {
    outer: for (let i = 0; i < idat.length; i++) {
      const part = idat[i];
      for (let off = 0; off < part.length; off += INFLATE_STEP) {
        inflater.push(part.subarray(off, Math.min(part.length, off + INFLATE_STEP)), i === idat.length - 1 && off + INFLATE_STEP >= part.length);
        if (inflated > budget) break outer;
      }
    }
  } catch (err) {
    failed = errorText(err);
  }
  if (inflated > budget) {
    throw new DatasetError(
      file.path,
      `cannot be read as a PNG ${what}: its compressed data inflates to more than ${formatByteCount(budget)}, while its ${groupDigits(header.width)}×${groupDigits(header.height)} header needs ${formatByteCount(need)} (${limitText('pngInflateSlack')} of extra data; a decompression bomb?). It was not decoded`,
    );
  }
  if (failed !== null) throw new DatasetError(file.path, `cannot be read as a PNG ${what} (its compressed data is damaged: ${failed})`);
  const total = kept.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const c of kept) {
    bytes.set(c, off);
    off += c.length;
  }
  return { header, bytes };
}

function decodeOrThrow(file: DatasetFile, what: string): DecodedPng {
  const { header, bytes } = checkedPng(file, what);
  let png: DecodedPng;
  try {
    png = pngDecoder.decode(bytes);
  } catch (err) {
    throw new DatasetError(file.path, `cannot be read as a PNG ${what} (${errorText(err)})`);
  }
  if (png.width !== header.width || png.height !== header.height) {
    throw new DatasetError(file.path, `cannot be read as a PNG ${what} (decoded ${png.width}×${png.height}, header ${header.width}×${header.height})`);
  }
  const samples = png.width * png.height * (png.palette ? 1 : png.channels);
  const packed = png.depth < 8 ? Math.ceil((png.width * png.depth * (png.palette ? 1 : png.channels)) / 8) * png.height : samples;
  if (png.data.length < packed) throw new DatasetError(file.path, `cannot be read as a PNG ${what} (its image data is cut short)`);
  return png;
}

/** Samples of a 1/2/4-bit channel unpacked to one byte each (rows are byte-aligned in PNG). */
export function unpackBits(data: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  if (depth >= 8) return Uint8Array.from(data);
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)];
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Any PNG colour type and depth → 8-bit RGB (alpha dropped, 16-bit scaled, grey replicated). */
export function decodePngImage(file: DatasetFile): RgbImage {
  const png = decodeOrThrow(file, 'image');
  const { width, height } = png;
  const n = width * height;
  if (n === 0) throw new DatasetError(file.path, 'is an empty (0-pixel) image');
  let src: ArrayLike<number>;
  let channels: number;
  let shift = 0;
  if (png.palette) {
    const expanded = png.depth < 8 ? { ...png, data: unpackBits(png.data, width, height, png.depth), depth: 8 as const } : png;
    try {
      src = convertIndexedToRgb(expanded);
    } catch (err) {
      throw new DatasetError(file.path, `cannot be read as a PNG image (${errorText(err)})`);
    }
    channels = src.length / n;
  } else if (png.depth < 8) {
    const scale = 255 / ((1 << png.depth) - 1);
    src = unpackBits(png.data, width, height, png.depth).map((v) => Math.round(v * scale));
    channels = 1;
  } else {
    src = png.data;
    channels = png.channels;
    shift = png.depth === 16 ? 8 : 0;
  }
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    if (channels <= 2) {
      const v = src[i * channels] >> shift;
      rgb[i * 3] = v;
      rgb[i * 3 + 1] = v;
      rgb[i * 3 + 2] = v;
    } else {
      for (let c = 0; c < 3; c++) rgb[i * 3 + c] = src[i * channels + c] >> shift;
    }
  }
  return { width, height, data: rgb };
}

export interface LabelMap {
  readonly width: number;
  readonly height: number;
  /** Raw class id per pixel (may exceed 255 for 16-bit PNGs: the caller range-checks). */
  readonly values: Uint16Array;
}

/**
 * A label PNG → class ids. Accepted: grayscale (value = class id, 8 or 16 bit, alpha ignored),
 * palette (index = class id), and RGB(A) whose pixels are all grey (r = g = b). A colour RGB
 * label is rejected, naming the first colour pixel: class ids must be pixel values.
 */
export function decodeLabelPng(file: DatasetFile): LabelMap {
  const png = decodeOrThrow(file, 'label map');
  const { width, height } = png;
  const n = width * height;
  if (n === 0) throw new DatasetError(file.path, 'is an empty (0-pixel) label map');
  const values = new Uint16Array(n);
  if (png.palette || png.channels <= 2) {
    const step = png.palette ? 1 : png.channels;
    const src = png.depth < 8 ? unpackBits(png.data, width, height, png.depth) : png.data;
    for (let i = 0; i < n; i++) values[i] = src[i * step];
    return { width, height, values };
  }
  const c = png.channels;
  for (let i = 0; i < n; i++) {
    const r = png.data[i * c];
    const g = png.data[i * c + 1];
    const b = png.data[i * c + 2];
    if (r !== g || g !== b) {
      const x = i % width;
      const y = Math.floor(i / width);
      throw new DatasetError(
        file.path,
        `is a colour (RGB) label map: pixel (${x}, ${y}) is (${r}, ${g}, ${b}). Save class ids as pixel values in a grayscale or palette PNG`,
      );
    }
    values[i] = r;
  }
  return { width, height, values };
}
