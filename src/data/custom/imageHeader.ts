// Image sizes read from the first bytes of a file, before any decoder runs: PNG (IHDR), JPEG (the
// first SOFn marker), WebP (VP8, VP8L or VP8X), GIF (the largest of the logical screen and every
// frame's extent, ./gifFrames.ts) and BMP (DIB header). A
// decoder allocates what the header declares, so the pixel and side caps (src/limits.ts) are
// checked here first. Every reader is bounded by the bytes it is given and walks them at most once.
import { LIMITS, limitText } from '../../limits';
import { groupDigits } from '../../messageNumbers';
import { readGifExtent } from './gifFrames';
import { DatasetError } from './types';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';

export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/** PNG IHDR fields beyond the size, for the inflate budget. */
export interface PngHeader extends ImageHeader {
  readonly format: 'png';
  readonly depth: number;
  readonly colorType: number;
  readonly interlace: number;
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const bytesOf = (data: ArrayBuffer | Uint8Array): Uint8Array => (data instanceof Uint8Array ? data : new Uint8Array(data));

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) >>> 0) + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
const i32le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
const u32le = (b: Uint8Array, at: number) => i32le(b, at) >>> 0;

/** Which format the bytes are, by their signature (not the file name); null when none of ours. */
export function sniffImageFormat(data: ArrayBuffer | Uint8Array): ImageFormat | null {
  const b = bytesOf(data);
  if (startsWith(b, PNG_SIGNATURE)) return 'png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a'))) return 'gif';
  if (startsWith(b, ascii('BM'))) return 'bmp';
  return null;
}

/** The PNG's IHDR, or null when the first chunk is not a well-formed IHDR. */
export function readPngHeader(data: ArrayBuffer | Uint8Array): PngHeader | null {
  const b = bytesOf(data);
  if (!startsWith(b, PNG_SIGNATURE) || b.length < 33) return null;
  if (u32be(b, 8) !== 13 || !startsWith(b, ascii('IHDR'), 12)) return null;
  return { format: 'png', width: u32be(b, 16), height: u32be(b, 20), depth: b[24], colorType: b[25], interlace: b[28] };
}

// SOFn markers that carry a frame size (not DHT C4, JPG C8, DAC CC).
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function readJpegHeader(b: Uint8Array): ImageHeader | null {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return null;
    let marker = b[at + 1];
    // Fill bytes: any number of 0xFF before a marker.
    while (marker === 0xff && at + 2 < b.length) {
      at++;
      marker = b[at + 1];
    }
    at += 2;
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / scan data before any frame header
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // no length
    if (at + 2 > b.length) return null;
    const length = u16be(b, at);
    if (length < 2) return null;
    if (SOF.has(marker)) {
      if (at + 7 > b.length) return null;
      return { format: 'jpeg', height: u16be(b, at + 3), width: u16be(b, at + 5) };
    }
    at += length;
  }
  return null;
}

function readWebpHeader(b: Uint8Array): ImageHeader | null {
  if (b.length < 30) return null;
  if (startsWith(b, ascii('VP8 '), 12)) {
    if (!startsWith(b, [0x9d, 0x01, 0x2a], 23)) return null;
    return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (startsWith(b, ascii('VP8L'), 12)) {
    if (b[20] !== 0x2f) return null;
    const bits = u32le(b, 21);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (startsWith(b, ascii('VP8X'), 12)) {
    return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  }
  return null;
}

/** The largest of the screen and every frame: a decoder allocates a frame at its own size. */
function readGifHeader(b: Uint8Array): ImageHeader | null {
  const extent = readGifExtent(b);
  return extent && { format: 'gif', width: extent.width, height: extent.height };
}

function readBmpHeader(b: Uint8Array): ImageHeader | null {
  if (b.length < 26) return null;
  const dib = u32le(b, 14);
  if (dib === 12) return { format: 'bmp', width: u16le(b, 18), height: u16le(b, 20) };
  if (dib < 40 || b.length < 26) return null;
  const width = i32le(b, 18);
  const height = i32le(b, 22);
  // A negative height means rows stored top-down; the size is its magnitude.
  return { format: 'bmp', width, height: height === -0x80000000 ? 0x80000000 : Math.abs(height) };
}

/** The image's format and size from its first bytes, or null when they are not a header we read. */
export function readImageHeader(data: ArrayBuffer | Uint8Array): ImageHeader | null {
  const b = bytesOf(data);
  switch (sniffImageFormat(b)) {
    case 'png':
      return readPngHeader(b);
    case 'jpeg':
      return readJpegHeader(b);
    case 'webp':
      return readWebpHeader(b);
    case 'gif':
      return readGifHeader(b);
    case 'bmp':
      return readBmpHeader(b);
    default:
      return null;
  }
}

/**
 * Throws a DatasetError naming the file and the limit when the header's size is empty or above
 * the side or pixel caps; `what` is "image" or "label map".
 */
export function checkImageSize(path: string, header: ImageHeader, what: string, decoded = false): void {
  const { width, height, format } = header;
  const an = what === 'image' ? 'an image' : `a ${what}`;
  const kind = format === 'jpeg' ? 'JPEG' : format.toUpperCase();
  const says = decoded ? `the browser decoded its ${kind} data to` : `its ${kind} header says`;
  if (!(width >= 1 && height >= 1)) throw new DatasetError(path, `is an empty ${what}: ${says} ${width}×${height} pixels`);
  const pixels = width * height;
  if (pixels > LIMITS.imagePixels.value) {
    throw new DatasetError(
      path,
      `is too large: ${says} ${groupDigits(width)}×${groupDigits(height)} = ${groupDigits(pixels)} pixels, over ${limitText('imagePixels')} per ${what}${decoded ? '' : '; it was not decoded'}. Resize it before dropping (it is resized to the input size anyway)`,
    );
  }
  const side = LIMITS.imageSide.value;
  if (width > side || height > side) {
    throw new DatasetError(
      path,
      `is too large: ${says} ${groupDigits(width)}×${groupDigits(height)} pixels, and a side may be at most ${groupDigits(side)} pixels (${limitText('imageSide')} on ${an}'s width or height). Resize it before dropping (it is resized to the input size anyway)`,
    );
  }
}

/** The header of an image file, checked against the caps; throws a DatasetError when unreadable or too large. */
export function checkedImageHeader(path: string, data: ArrayBuffer | Uint8Array, what: string): ImageHeader {
  const format = sniffImageFormat(data);
  if (!format) {
    const b = bytesOf(data);
    const first = Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join(' ');
    throw new DatasetError(path, `is not a PNG, JPEG, WebP, GIF or BMP file (it starts with ${first || 'nothing'}), so it cannot be read as ${what === 'image' ? 'an image' : `a ${what}`}`);
  }
  const header = readImageHeader(data);
  if (!header) throw new DatasetError(path, `has a damaged or truncated ${format === 'jpeg' ? 'JPEG' : format.toUpperCase()} header: its size cannot be read, so it is not decoded`);
  checkImageSize(path, header, what);
  return header;
}
