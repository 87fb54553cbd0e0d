// A dataset drop's decode work: the pixels of all its images and label maps, from their headers,
// capped before the first is decoded (property-based over file counts and declared sizes; the
// issue-25 drop of many small 4096² PNGs refused with the decoder never called, in bounded CPU);
// and a load's progress and Cancel (parseDataset reports as it decodes and stops when aborted).
import { encode } from 'fast-png';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bufferOf, cpuTimedAsync } from '../../fuzz.testkit';
import { LIMITS } from '../../limits';
import { checkDecodeWork } from './budget';
import { craftPng } from './hostile.testkit';
import { parseDataset } from './parse';
import { pngDecoder } from './png';
import { DatasetError, type DatasetFile, type LoadProgress } from './types';

const memory = () => process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;

afterEach(() => {
  vi.restoreAllMocks();
});

/** The first 33 bytes of a PNG declaring `w`×`h`: all a header reader looks at. */
const pngHeaderOnly = (w: number, h: number): ArrayBuffer => bufferOf(craftPng({ width: w, height: h }, new Uint8Array(0)).subarray(0, 33));

describe('the decode work of a whole drop is capped from headers', () => {
  it('passes exactly when the declared pixels add up to at most the cap (generated counts and sizes)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ w: fc.integer({ min: 1, max: 4096 }), h: fc.integer({ min: 1, max: 4096 }) }), { maxLength: 300 }), (sizes) => {
        const items = sizes.map(({ w, h }, i) => ({ file: { path: `i${i}.png`, data: pngHeaderOnly(w, h) }, what: i % 2 ? 'image' : 'label map' }));
        const total = sizes.reduce((a, s) => a + s.w * s.h, 0);
        if (total <= LIMITS.datasetDecodePixels.value) expect(checkDecodeWork(items)).toBe(total);
        else expect(() => checkDecodeWork(items)).toThrow(/than the 2 147 483 648 pixels \(128 × 4096²\) limit on decode work/);
      }),
      { numRuns: 200 },
    );
  });

  it('500 small PNGs that each say 4096² are refused before one is decoded, in bounded CPU', async () => {
    const bomb = craftPng({ width: 4096, height: 4096 });
    const data = bufferOf(bomb);
    const files: DatasetFile[] = Array.from({ length: 500 }, (_, i) => ({ path: `set/${i}.png`, data }));
    const decode = vi.spyOn(pngDecoder, 'decode');
    const m0 = memory();
    const { value: err, cpuMs } = await cpuTimedAsync(() => parseDataset(files).then(() => null, (e: unknown) => e));
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(/^the 500 images and label maps declare more pixels in their headers than the 2 147 483 648 pixels \(128 × 4096²\) limit/);
    expect((err as Error).message.length).toBeLessThan(300);
    expect(decode).not.toHaveBeenCalled();
    // Each decode of one of these takes ~0.3 s of inflate and resize; the refusal reads 500 headers.
    expect(cpuMs).toBeLessThan(500);
    if (process.env.FUZZ_STATS) console.log(`[issue25] 500 × ${(bomb.length / 1e3).toFixed(0)} kB PNGs of 4096²: refused in ${cpuMs.toFixed(1)} ms CPU, +${((memory() - m0) / 2 ** 20).toFixed(1)} MiB, message ${(err as Error).message.length} chars`);
  });
});

describe('a dataset load reports progress and can be cancelled', () => {
  const image = (i: number) => bufferOf(encode({ width: 8, height: 8, data: new Uint8Array(192).fill(i * 7), channels: 3, depth: 8 }));
  const drop = (n: number): DatasetFile[] => Array.from({ length: n }, (_, i) => ({ path: `set/${i}.png`, data: image(i) }));

  it('reports decoding progress up to the last image', async () => {
    const seen: LoadProgress[] = [];
    await parseDataset(drop(12), { inputSize: 8, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toEqual({ phase: 'decoding', done: 12, total: 12 });
    expect(seen.every((p, i) => i === 0 || p.done > seen[i - 1].done)).toBe(true);
  });

  it('stops at the next image once aborted, with a DatasetError, whenever the abort comes (generated abort points)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 11 }), async (at) => {
        const abort = new AbortController();
        const original = pngDecoder.decode;
        let calls = 0;
        let decodedAfterAbort = 0;
        // Abort once `at` + 1 images are decoded.
        vi.spyOn(pngDecoder, 'decode').mockImplementation((bytes) => {
          if (abort.signal.aborted) decodedAfterAbort++;
          if (++calls > at) abort.abort();
          return original(bytes);
        });
        const parse = parseDataset(drop(12), { inputSize: 8, signal: abort.signal });
        await expect(parse).rejects.toThrow(/the load was cancelled; nothing was kept/);
        expect(decodedAfterAbort).toBe(0);
        vi.restoreAllMocks();
      }),
      { numRuns: 12 },
    );
  });
});
