// The dataset's file and memory budgets (crafted drops, nothing large allocated), and fuzzing of
// the whole dataset parser on random drops: a dataset or a DatasetError, bounded.
import { encode } from 'fast-png';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertBoundedAsync, bufferOf, cpuTimedAsync } from '../../fuzz.testkit';
import { LIMITS } from '../../limits';
import { checkDatasetFiles, checkSampleBudget } from './budget';
import { parseDataset } from './parse';
import { DatasetError, type DatasetFile } from './types';

const MiB = 2 ** 20;

describe('dataset budgets, checked from sizes before anything is read or decoded', () => {
  it('file count: 20 001 files are refused before any is looked at', async () => {
    const one = new ArrayBuffer(1);
    const files: DatasetFile[] = Array.from({ length: LIMITS.datasetFiles.value + 1 }, (_, i) => ({ path: `set/images/${i}.png`, data: one }));
    expect(() => checkDatasetFiles(files.map((f) => ({ path: f.path, size: 1 })))).toThrow(/^the drop holds more than 20 000 files, over the 20 000 files limit on files in one dataset drop/);
    // CPU time of this process, not wall time: the machine's load does not stretch it.
    const { cpuMs } = await cpuTimedAsync(() => expect(parseDataset(files)).rejects.toThrow(/more than 20 000 files, over the 20 000 files limit/));
    expect(cpuMs).toBeLessThan(200);
  });

  it('bytes of one file (from File.size: never read) and of the boxes JSON', () => {
    expect(() => checkDatasetFiles([{ path: 'set/a.png', size: 10 }, { path: 'set/images/huge.png', size: 65 * MiB }])).toThrow(
      /^set\/images\/huge\.png: is 68\.16 MB, over the 64 MiB limit on bytes of one dataset file \(image, label PNG or boxes JSON\); it was not read/,
    );
    expect(() => checkDatasetFiles([{ path: 'set/boxes.json', size: 33 * MiB }])).toThrow(/set\/boxes\.json: is 34\.60 MB, over the 32 MiB limit on bytes of the boxes JSON/);
    expect(() => checkDatasetFiles([{ path: 'x.png', size: -1 }])).toThrow(/has no valid size/);
  });

  it('bytes of the whole drop: 17 files of 63 MiB (1.07 GiB) are refused, 16 pass', () => {
    const drop = (n: number) => Array.from({ length: n }, (_, i) => ({ path: `set/images/${i}.jpg`, size: 63 * MiB }));
    expect(() => checkDatasetFiles(drop(16))).not.toThrow();
    expect(() => checkDatasetFiles(drop(17))).toThrow(/^the drop holds 1\.12 GB in 17 files, over the 1 GiB limit on bytes of all files of one dataset drop together; nothing was read/);
  });

  it('decoded samples: images × side² × 13 bytes, before the first image is decoded', async () => {
    expect(() => checkSampleBudget(20_000, 64)).not.toThrow();
    expect(() => checkSampleBudget(315, 512)).not.toThrow();
    expect(() => checkSampleBudget(400, 512)).toThrow(/^400 images at an input size of 512×512 would take 1\.36 GB once decoded, over the 1 GiB limit .* use at most 315 images at this size/);
    // Through parseDataset: 400 (unreadable) images at 512 are refused by count before any decoding.
    const junk = bufferOf(new Uint8Array(8));
    const files = Array.from({ length: 400 }, (_, i) => [
      { path: `set/images/${i}.png`, data: junk },
      { path: `set/labels/${i}.png`, data: junk },
    ]).flat();
    await expect(parseDataset(files, { inputSize: 512 })).rejects.toThrow(/400 images at an input size of 512×512 would take/);
  });
});

describe('dataset fuzzing: random drops give a dataset or a DatasetError, bounded', () => {
  const png = (w: number, h: number, v: number, channels: 1 | 3) => encode({ width: w, height: h, data: new Uint8Array(w * h * channels).fill(v), channels, depth: 8 });
  const content = fc.oneof(
    fc.record({ w: fc.integer({ min: 1, max: 6 }), h: fc.integer({ min: 1, max: 6 }), v: fc.nat(3), c: fc.constantFrom(1 as const, 3 as const) }).map(({ w, h, v, c }) => png(w, h, v, c)),
    fc.constantFrom(png(4, 4, 1, 1), png(4, 4, 0, 3), png(4, 4, 200, 1)),
    fc.uint8Array({ maxLength: 40 }),
    fc.constantFrom('{"classes":["a"],"images":{"a.png":[{"x0":0,"y0":0,"x1":2,"y1":2,"class":"a"}],"b.png":[]}}', '{"classes":["a"]', '[]').map((t) => new TextEncoder().encode(t)),
  );
  const path = fc.tuple(fc.constantFrom('', 'set/', 'set/images/', 'set/labels/', 'set/masks/', 'other/', '.hidden/'), fc.constantFrom('a', 'b', 'c', 'a_label', 'b_mask', '.DS_Store'), fc.constantFrom('.png', '.jpg', '.json', '.txt', ''));
  const randomDrop = fc.array(fc.tuple(path, content), { maxLength: 8 }).map((entries) => entries.map(([[dir, base, ext], bytes]) => ({ path: dir + base + ext, data: bufferOf(bytes) })));
  // Valid segmentation drops (2–4 images with labels), some with one file's bytes replaced.
  const validDrop = fc
    .tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.option(fc.tuple(fc.nat(), content), { nil: null }))
    .map(([n, v, swap]) => {
      const files: DatasetFile[] = [];
      for (let i = 0; i < n; i++) {
        files.push({ path: `set/images/i${i}.png`, data: bufferOf(png(5, 5, 100, 3)) }, { path: `set/labels/i${i}.png`, data: bufferOf(png(5, 5, v, 1)) });
      }
      if (swap) files[swap[0] % files.length] = { path: files[swap[0] % files.length].path, data: bufferOf(swap[1]) };
      return files;
    });
  const drop = fc.oneof(randomDrop, validDrop);

  it('parseDataset', async () => {
    const stats = await assertBoundedAsync(drop, (files) => parseDataset(files, { inputSize: 8 }), DatasetError, { numRuns: 250 });
    expect(stats.refused).toBeGreaterThan(100);
    expect(stats.accepted).toBeGreaterThan(0);
  });
});
