// Hostile PNGs and image headers (crafted here, small in memory) and fuzzing of the PNG and
// header readers: every input gives an image or a DatasetError, within a time and memory bound,
// and fast-png is never asked to decode more pixels than the cap.
import { encode } from 'fast-png';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '../../limits';
import { assertBounded, bufferOf, cpuNow, mutatedBytes } from '../../fuzz.testkit';
import { bmpHeader, craftPng, gifHeader, jpegHeader, webpHeader, zerosZlib } from './hostile.testkit';
import { checkedImageHeader, readImageHeader, readPngHeader, sniffImageFormat } from './imageHeader';
import { parseDataset } from './parse';
import { checkedPng, decodeLabelPng, decodePngImage, pngDecoder, pngRawBytes } from './png';
import { DatasetError, type DatasetFile } from './types';

const file = (bytes: Uint8Array, path = 'x.png'): DatasetFile => ({ path, data: bufferOf(bytes) });

const memory = () => process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('hostile PNGs are refused before fast-png allocates', () => {
  it('a label PNG whose header says 40000×40000 (1.55 MB of compressed zeros) is refused from its IHDR, naming the file and the limit', () => {
    const bomb = craftPng({ width: 40_000, height: 40_000 });
    expect(bomb.length).toBeLessThan(1.6e6);
    // Without the check fast-png would inflate 1.6 GB (kept twice while it joins its chunks), unfilter it
    // into another 1.6 GB, and the label loop would add a 3.2 GB Uint16Array: ~8 GB.
    const decodeSpy = vi.spyOn(pngDecoder, 'decode');
    const m0 = memory();
    const t0 = cpuNow();
    let err: unknown = null;
    try {
      decodeLabelPng(file(bomb, 'labels/big.png'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(
      /^labels\/big\.png: is too large: its PNG header says 40 000×40 000 = 1 600 000 000 pixels, over the 16 777 216 pixels \(4096²\) limit per label map; it was not decoded/,
    );
    expect(decodeSpy).not.toHaveBeenCalled();
    expect(cpuNow() - t0).toBeLessThan(50);
    expect(memory() - m0).toBeLessThan(16 * 2 ** 20);
  });

  it('the same file dropped in a dataset: parseDataset names the label and the limit', async () => {
    const decodeSpy = vi.spyOn(pngDecoder, 'decode');
    const image = encode({ width: 4, height: 4, data: new Uint8Array(16 * 3), channels: 3, depth: 8 });
    const files = [file(image, 'set/images/a.png'), file(craftPng({ width: 40_000, height: 40_000 }), 'set/labels/a.png'), file(image, 'set/images/b.png'), file(encode({ width: 4, height: 4, data: new Uint8Array(16).fill(1), channels: 1, depth: 8 }), 'set/labels/b.png')];
    await expect(parseDataset(files)).rejects.toThrow(/^labels\/a\.png: is too large: its PNG header says 40 000×40 000 .* over the 16 777 216 pixels \(4096²\) limit/);
    expect(decodeSpy.mock.calls.every(([b]) => (readPngHeader(b)?.width ?? 0) <= 4)).toBe(true);
  });

  it('a side above 16 384 is refused even when the pixel count is small (1 000 000 × 1)', () => {
    expect(() => decodePngImage(file(craftPng({ width: 1_000_000, height: 1 }), 'strip.png'))).toThrow(/strip\.png: is too large: .* a side may be at most 16 384 pixels \(the 16 384 pixels limit on an image's width or height\)/);
  });

  it('one pixel over the cap is refused, the cap itself passes the size check', () => {
    const side = 4096;
    expect(() => checkedPng(file(craftPng({ width: side + 1, height: side }), 'over.png'), 'image')).toThrow(/over\.png: .* 16 781 312 pixels, over the 16 777 216 pixels/);
    // At the cap: header passes, data (a zero stream of exactly the rows) passes the inflate budget.
    const atCap = craftPng({ width: side, height: side });
    expect(checkedPng(file(atCap), 'image').header).toMatchObject({ width: side, height: side });
  });

  it('a deflate bomb under a small header (1000×1000 whose data inflates to 1.6 GB) is stopped after its rows plus the slack', () => {
    const bomb = craftPng({ width: 1000, height: 1000 }, zerosZlib(40_000 * 40_001));
    const decodeSpy = vi.spyOn(pngDecoder, 'decode');
    const m0 = memory();
    const t0 = cpuNow();
    expect(() => decodeLabelPng(file(bomb, 'labels/bomb.png'))).toThrow(
      /^labels\/bomb\.png: cannot be read as a PNG label map: its compressed data inflates to more than 1\.07 MB, while its 1 000×1 000 header needs 1\.00 MB \(the 64 KiB limit of extra data; a decompression bomb\?\)/,
    );
    expect(decodeSpy).not.toHaveBeenCalled();
    // Without the check fast-png inflates all 1.6 GB (3.2 GB while it joins its chunks). CPU time of
    // this process (not wall time: the machine's load does not stretch it).
    expect(cpuNow() - t0).toBeLessThan(500);
    expect(memory() - m0).toBeLessThan(32 * 2 ** 20);
  });

  it('an iCCP chunk holding a deflate bomb is not passed to fast-png (which inflates it unbounded)', () => {
    const profile = Uint8Array.from([...Array.from('icc\0', (c) => c.charCodeAt(0)), 0, ...zerosZlib(1e9)]);
    const png = craftPng({ width: 8, height: 8 }, undefined, [{ type: 'iCCP', data: profile }]);
    const m0 = memory();
    const label = decodeLabelPng(file(png));
    expect(label.values.length).toBe(64);
    expect(memory() - m0).toBeLessThan(32 * 2 ** 20);
  });

  it('pngRawBytes is what fast-png inflates for every colour type and depth', async () => {
    const { unzlibSync } = await import('fflate');
    const cases = [
      { channels: 1, depth: 1 },
      { channels: 1, depth: 8 },
      { channels: 1, depth: 16 },
      { channels: 2, depth: 8 },
      { channels: 3, depth: 8 },
      { channels: 4, depth: 16 },
    ] as const;
    for (const c of cases) {
      const [w, h] = [13, 5];
      const n = w * h * c.channels;
      const data = c.depth === 16 ? new Uint16Array(n) : new Uint8Array(c.depth === 1 ? Math.ceil((w * c.depth) / 8) * h : n);
      const png = encode({ width: w, height: h, data, channels: c.channels, depth: c.depth });
      const parsed = checkedPng(file(png), 'image');
      const idatAt = png.findIndex((_, i) => png[i] === 0x49 && png[i + 1] === 0x44 && png[i + 2] === 0x41 && png[i + 3] === 0x54);
      const length = new DataView(png.buffer, png.byteOffset).getUint32(idatAt - 4);
      expect(unzlibSync(png.subarray(idatAt + 4, idatAt + 4 + length)).length).toBe(pngRawBytes(parsed.header));
    }
    // Adam7: a 1×1 image is one pass of one row (filter byte + 1 sample); 8×8 grey 8-bit is 15 rows + 64 samples.
    expect(pngRawBytes({ width: 1, height: 1, depth: 8, colorType: 0, interlace: 1 })).toBe(2);
    expect(pngRawBytes({ width: 8, height: 8, depth: 8, colorType: 0, interlace: 1 })).toBe(15 + 64);
  });
});

describe('other image formats: the size is read from the header before the browser decoder runs', () => {
  it('reads JPEG, WebP (VP8, VP8L, VP8X), GIF and BMP sizes', () => {
    expect(readImageHeader(jpegHeader(640, 480))).toEqual({ format: 'jpeg', width: 640, height: 480 });
    expect(readImageHeader(jpegHeader(300, 200, 0xc2))).toEqual({ format: 'jpeg', width: 300, height: 200 });
    expect(readImageHeader(webpHeader(800, 600, 'VP8 '))).toEqual({ format: 'webp', width: 800, height: 600 });
    expect(readImageHeader(webpHeader(800, 600, 'VP8L'))).toEqual({ format: 'webp', width: 800, height: 600 });
    expect(readImageHeader(webpHeader(16_000, 9_000, 'VP8X'))).toEqual({ format: 'webp', width: 16_000, height: 9_000 });
    expect(readImageHeader(gifHeader(320, 240))).toEqual({ format: 'gif', width: 320, height: 240 });
    expect(readImageHeader(bmpHeader(100, -50))).toEqual({ format: 'bmp', width: 100, height: 50 });
    expect(sniffImageFormat(new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it.each([
    ['a.jpg', jpegHeader(65_535, 65_535), /a\.jpg: is too large: its JPEG header says 65 535×65 535/],
    ['b.webp', webpHeader(16_384, 16_384), /b\.webp: is too large: its WEBP header says 16 384×16 384 = 268 435 456 pixels, over the 16 777 216 pixels/],
    ['c.gif', gifHeader(65_535, 3), /c\.gif: is too large: its GIF header says 65 535×3 pixels, and a side may be at most 16 384/],
    ['d.bmp', bmpHeader(100_000, -100_000), /d\.bmp: is too large: its BMP header says 100 000×100 000/],
    ['e.jpg', jpegHeader(0, 10), /e\.jpg: is an empty image: its JPEG header says 0×10 pixels/],
    ['f.jpg', Uint8Array.from([0xff, 0xd8, 0xff, 0xd9]), /f\.jpg: has a damaged or truncated JPEG header: its size cannot be read/],
    ['g.jpg', new Uint8Array(16), /g\.jpg: is not a PNG, JPEG, WebP, GIF or BMP file \(it starts with 00 00 00 00\)/],
  ])('%s is refused and the decoder is never called', async (name, bytes, message) => {
    const decodeImage = vi.fn(async () => ({ width: 1, height: 1, data: new Uint8Array(3) }));
    const files = [file(bytes, `set/${name}`), file(encode({ width: 2, height: 2, data: new Uint8Array(12), channels: 3, depth: 8 }), 'set/z.png'), { path: 'set/boxes.json', data: bufferOf(new TextEncoder().encode(JSON.stringify({ classes: ['a'], images: { [name]: [], 'z.png': [] } }))) }];
    await expect(parseDataset(files, { decodeImage })).rejects.toThrow(message);
    expect(decodeImage).not.toHaveBeenCalled();
  });

  it('a decoder that returns more pixels than the header said is refused too', async () => {
    const decodeImage = async () => ({ width: 5000, height: 5000, data: new Uint8Array(3) });
    const files = [file(jpegHeader(64, 64), 'set/a.jpg'), file(jpegHeader(64, 64), 'set/b.jpg'), { path: 'set/boxes.json', data: bufferOf(new TextEncoder().encode('{"classes":["a"],"images":{"a.jpg":[],"b.jpg":[]}}')) }];
    await expect(parseDataset(files, { decodeImage })).rejects.toThrow(/a\.jpg: is too large: the browser decoded its JPEG data to 5 000×5 000 = 25 000 000 pixels, over the 16 777 216 pixels/);
  });
});

// ---- fuzzing ----

const smallPng = fc
  .record({
    w: fc.integer({ min: 1, max: 12 }),
    h: fc.integer({ min: 1, max: 12 }),
    kind: fc.constantFrom('g1', 'g8', 'g16', 'ga8', 'rgb8', 'rgba16', 'pal8'),
    seed: fc.integer(),
  })
  .map(({ w, h, kind, seed }) => {
    const n = w * h;
    const fill = (a: Uint8Array | Uint16Array, mod: number) => a.map((_, i) => (seed + i * 7) % mod);
    switch (kind) {
      case 'g1':
        return encode({ width: w, height: h, data: fill(new Uint8Array(Math.ceil(w / 8) * h), 256), channels: 1, depth: 1 });
      case 'g8':
        return encode({ width: w, height: h, data: fill(new Uint8Array(n), 4), channels: 1, depth: 8 });
      case 'g16':
        return encode({ width: w, height: h, data: fill(new Uint16Array(n), 70), channels: 1, depth: 16 });
      case 'ga8':
        return encode({ width: w, height: h, data: fill(new Uint8Array(n * 2), 256), channels: 2, depth: 8 });
      case 'rgb8':
        return encode({ width: w, height: h, data: fill(new Uint8Array(n * 3), 256), channels: 3, depth: 8 });
      case 'rgba16':
        return encode({ width: w, height: h, data: fill(new Uint16Array(n * 4), 65536), channels: 4, depth: 16 });
      default:
        return encode({ width: w, height: h, data: fill(new Uint8Array(n), 3), channels: 1, depth: 8, palette: [[0, 0, 0], [255, 0, 0], [0, 255, 0]] });
    }
  });

/** A PNG whose IHDR declares any size (up to 2³²−1 per side) over data of a few bytes. */
const lyingPng = fc
  .record({ w: fc.integer({ min: 0, max: 0xffffffff }), h: fc.integer({ min: 0, max: 0xffffffff }), depth: fc.constantFrom(1, 2, 4, 8, 16, 3), colorType: fc.constantFrom(0, 2, 3, 4, 6, 5), interlace: fc.nat(2), data: fc.uint8Array({ maxLength: 64 }) })
  .map((r) => craftPng({ width: r.w, height: r.h, depth: r.depth, colorType: r.colorType, interlace: r.interlace }, r.data));

describe('PNG fuzzing: an image or a DatasetError, bounded, and fast-png never asked for more than the cap', () => {
  const pngs = fc.oneof(mutatedBytes(smallPng), lyingPng, smallPng, fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, ...b])));

  it('decodeLabelPng and decodePngImage', () => {
    const spy = vi.spyOn(pngDecoder, 'decode');
    const stats = assertBounded(
      pngs,
      (bytes) => {
        try {
          decodeLabelPng(file(bytes));
        } finally {
          decodePngImage(file(bytes));
        }
      },
      DatasetError,
      { numRuns: 600 },
    );
    for (const [bytes] of spy.mock.calls) {
      const h = readPngHeader(bytes);
      expect(h).not.toBeNull();
      expect(h!.width * h!.height).toBeLessThanOrEqual(LIMITS.imagePixels.value);
    }
    expect(stats.accepted).toBeGreaterThan(20);
    expect(stats.refused).toBeGreaterThan(20);
  });

  it('image headers of every format: readImageHeader never throws, checkedImageHeader gives a size within the caps or a DatasetError', () => {
    const headers = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 70_000 }), fc.constantFrom(0, 1, 2, 3, 4, 5, 6)).map(([w, h, k]) =>
        [jpegHeader(w & 0xffff, h & 0xffff), webpHeader(Math.max(1, w), Math.max(1, h), 'VP8X'), webpHeader(Math.max(1, w), Math.max(1, h), 'VP8L'), webpHeader(w, h, 'VP8 '), gifHeader(w & 0xffff, h & 0xffff), bmpHeader(w, -h), craftPng({ width: w, height: h }, new Uint8Array(0))][k],
      ),
      fc.uint8Array({ maxLength: 80 }),
    );
    const inputs = fc.oneof(headers, mutatedBytes(headers));
    assertBounded(inputs, (b) => readImageHeader(b), [], { numRuns: 500 });
    const stats = assertBounded(
      inputs,
      (b) => {
        const h = checkedImageHeader('x', b, 'image');
        expect(h.width * h.height).toBeLessThanOrEqual(LIMITS.imagePixels.value);
        expect(Math.max(h.width, h.height)).toBeLessThanOrEqual(LIMITS.imageSide.value);
      },
      DatasetError,
      { numRuns: 500 },
    );
    expect(stats.accepted).toBeGreaterThan(10);
  });

  it('a JPEG of many segments is walked once (no quadratic scan)', () => {
    const segments: number[] = [0xff, 0xd8];
    for (let i = 0; i < 200_000; i++) segments.push(0xff, 0xfe, 0x00, 0x02); // empty comments
    segments.push(...jpegHeader(10, 10).subarray(2));
    const t0 = cpuNow();
    expect(readImageHeader(Uint8Array.from(segments))).toEqual({ format: 'jpeg', width: 10, height: 10 });
    expect(cpuNow() - t0).toBeLessThan(100);
  });
});
