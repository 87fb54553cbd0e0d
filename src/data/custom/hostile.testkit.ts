// Test-only: hostile image files, made at test time and small in memory. The zlib stream of N
// zero bytes is written by hand (one dynamic-Huffman block whose length-258/distance-1 match codes
// take one bit each, so 258 zeros cost 2 bits: deflate's best ratio, ~1032:1) instead of
// compressing gigabytes: 1.6 GB of zeros is 1.55 MB and takes milliseconds to build.
import { crc32 } from '../../share/crc32';

class BitWriter {
  private bit = 0;
  constructor(readonly bytes: Uint8Array) {}
  /** `n` bits of `value`, least significant first (deflate's header fields and extra bits). */
  bits(value: number, n: number): void {
    for (let i = 0; i < n; i++) this.put((value >>> i) & 1);
  }
  /** A Huffman code of `n` bits, most significant first. */
  code(value: number, n: number): void {
    for (let i = n - 1; i >= 0; i--) this.put((value >>> i) & 1);
  }
  /** `n` zero bits (the buffer is zero-filled). */
  skip(n: number): void {
    this.bit += n;
  }
  get length(): number {
    return Math.ceil(this.bit / 8);
  }
  private put(b: number): void {
    if (b) this.bytes[this.bit >>> 3] |= 1 << (this.bit & 7);
    this.bit++;
  }
}

/** A zlib stream that inflates to `n` zero bytes (n ≥ 1), about n / 1032 bytes long. */
export function zerosZlib(n: number): Uint8Array {
  const matches = Math.floor((n - 1) / 258);
  const literals = n - 1 - matches * 258; // < 258 trailing zeros as literals
  const bits = 200 + 2 * matches + 2 * literals + 8;
  const out = new Uint8Array(2 + Math.ceil(bits / 8) + 4);
  out[0] = 0x78; // CMF: deflate, 32 KiB window
  out[1] = 0x01; // FLG: (0x7801 % 31 === 0), no dictionary
  const w = new BitWriter(out.subarray(2));
  w.bits(1, 1); // BFINAL
  w.bits(2, 2); // dynamic Huffman
  w.bits(286 - 257, 5); // HLIT: literal/length codes 0..285
  w.bits(1 - 1, 5); // HDIST: one distance code
  w.bits(18 - 4, 4); // HCLEN: code-length codes up to the 18th in the permuted order
  // Code-length code lengths in the order 16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1: 18→1, 2→2, 1→2.
  const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1];
  const clLen: Record<number, number> = { 18: 1, 2: 2, 1: 2 };
  for (const s of order) w.bits(clLen[s] ?? 0, 3);
  // Canonical codes: 18 → 0; 1 → 10; 2 → 11.
  const cl = { 18: [0, 1], 1: [2, 2], 2: [3, 2] } as const;
  const zeros = (k: number) => {
    w.code(cl[18][0], cl[18][1]);
    w.bits(k - 11, 7);
  };
  // Literal/length lengths: 0 → 2, 1..255 → 0, 256 → 2, 257..284 → 0, 285 → 1; distance 0 → 1.
  w.code(cl[2][0], cl[2][1]);
  zeros(138);
  zeros(117);
  w.code(cl[2][0], cl[2][1]);
  zeros(28);
  w.code(cl[1][0], cl[1][1]);
  w.code(cl[1][0], cl[1][1]);
  // Canonical literal/length codes: 285 → 0; literal 0 → 10; end of block (256) → 11. Distance 0 → 0.
  w.code(2, 2); // literal 0
  w.skip(2 * matches); // length 258 ("0"), distance 1 ("0")
  for (let i = 0; i < literals; i++) w.code(2, 2);
  w.code(3, 2); // end of block
  const end = 2 + w.length;
  const adler = (((n % 65521) << 16) | 1) >>> 0; // a = 1 (zeros add nothing), b = n · 1
  new DataView(out.buffer).setUint32(end, adler);
  return out.subarray(0, end + 4);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export interface PngSpec {
  readonly width: number;
  readonly height: number;
  /** Default 8. */
  readonly depth?: number;
  /** Default 0 (greyscale). */
  readonly colorType?: number;
  readonly interlace?: number;
}

/** A PNG with the given IHDR and compressed data (default: the zlib stream of exactly the rows' bytes, all zero). */
export function craftPng(spec: PngSpec, idat?: Uint8Array, extra: readonly { type: string; data: Uint8Array }[] = []): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, spec.width);
  view.setUint32(4, spec.height);
  ihdr[8] = spec.depth ?? 8;
  ihdr[9] = spec.colorType ?? 0;
  ihdr[12] = spec.interlace ?? 0;
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[spec.colorType ?? 0] ?? 1;
  const data = idat ?? zerosZlib(spec.height * (1 + Math.ceil((spec.width * channels * (spec.depth ?? 8)) / 8)));
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), ...extra.map((e) => chunk(e.type, e.data)), chunk('IDAT', data), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Headers of the other formats, declaring `width`×`height` (only the bytes a header reader looks at). */
export function jpegHeader(width: number, height: number, sof = 0xc0): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...Array.from('JFIF\0', (c) => c.charCodeAt(0)), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  return Uint8Array.from([0xff, 0xd8, ...app0, 0xff, sof, 0x00, 0x11, 8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9]);
}

export function gifHeader(width: number, height: number): Uint8Array {
  return Uint8Array.from([...Array.from('GIF89a', (c) => c.charCodeAt(0)), width & 255, width >> 8, height & 255, height >> 8, 0, 0, 0, 0x3b]);
}

export function bmpHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(54);
  const v = new DataView(b.buffer);
  b[0] = 0x42;
  b[1] = 0x4d;
  v.setUint32(2, 54, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  return b;
}

export function webpHeader(width: number, height: number, kind: 'VP8 ' | 'VP8L' | 'VP8X' = 'VP8X'): Uint8Array {
  const b = new Uint8Array(40);
  const v = new DataView(b.buffer);
  b.set(Array.from('RIFF', (c) => c.charCodeAt(0)), 0);
  v.setUint32(4, 32, true);
  b.set(Array.from('WEBP', (c) => c.charCodeAt(0)), 8);
  b.set(Array.from(kind, (c) => c.charCodeAt(0)), 12);
  v.setUint32(16, 20, true);
  if (kind === 'VP8X') {
    const w = width - 1;
    const h = height - 1;
    b.set([w & 255, (w >> 8) & 255, (w >> 16) & 255, h & 255, (h >> 8) & 255, (h >> 16) & 255], 24);
  } else if (kind === 'VP8L') {
    b[20] = 0x2f;
    v.setUint32(21, ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), true);
  } else {
    b.set([0x9d, 0x01, 0x2a], 23);
    v.setUint16(26, width & 0x3fff, true);
    v.setUint16(28, height & 0x3fff, true);
  }
  return b;
}
