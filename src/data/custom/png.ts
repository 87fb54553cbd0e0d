// PNG decoding with fast-png (pure JS, so label values are exact and Node tests run): images to
// 8-bit RGB, label maps to one class id per pixel.
import { convertIndexedToRgb, decode, hasPngSignature, type DecodedPng } from 'fast-png';
import { DatasetError, type DatasetFile, type RgbImage } from './types';

export function isPng(data: ArrayBuffer): boolean {
  return data.byteLength >= 8 && hasPngSignature(new Uint8Array(data, 0, 8));
}

function decodeOrThrow(file: DatasetFile, what: string): DecodedPng {
  try {
    return decode(new Uint8Array(file.data));
  } catch (err) {
    throw new DatasetError(file.path, `cannot be read as a PNG ${what} (${err instanceof Error ? err.message : String(err)})`);
  }
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
    src = convertIndexedToRgb(expanded);
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
