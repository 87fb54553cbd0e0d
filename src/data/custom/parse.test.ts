import { describe, expect, it } from 'vitest';
import { FIXTURE_CLASSES, FIXTURE_IMAGES, FIXTURE_SIZE, makeDatasetFixtures, makeScene } from '../../../scripts/make-dataset-fixtures.mjs';
import { jpegHeader } from './hostile.testkit';
import { parseDataset } from './parse';
import { DatasetError } from './types';

const sets = makeDatasetFixtures();

describe('parseDataset on the generated fixtures', () => {
  it('reads the segmentation set: classes from the labels, seeded split, resized samples', async () => {
    const d = await parseDataset(sets['seg-valid'].files, { inputSize: 32, seed: 7 });
    expect(d.task).toBe('segmentation');
    expect(d.numClasses).toBe(3);
    expect(d.train.length + d.val.length).toBe(FIXTURE_IMAGES);
    expect(d.val.length).toBe(2); // round(10 · 0.2)
    expect(new Set([...d.trainFiles, ...d.valFiles]).size).toBe(FIXTURE_IMAGES);
    expect(d.trainFiles[0]).toMatch(/^images\/img\d\d\.png$/); // the dropped folder's name is stripped
    for (const s of [...d.train, ...d.val]) {
      expect([s.height, s.width, s.image.length, s.labels.length]).toEqual([32, 32, 32 * 32 * 3, 32 * 32]);
      expect(s.digits).toEqual([]);
      expect(Math.max(...s.labels)).toBeLessThanOrEqual(2);
    }
    expect(d.classCounts).toHaveLength(3);
    expect(d.classCounts.every((c) => c > 0)).toBe(true);
    expect(d.sourceSize).toEqual({ minH: FIXTURE_SIZE, maxH: FIXTURE_SIZE, minW: FIXTURE_SIZE, maxW: FIXTURE_SIZE });
    // At the source size, labels are the exact PNG values and the image the exact pixels.
    const same = await parseDataset(sets['seg-valid'].files, { inputSize: FIXTURE_SIZE, seed: 7 });
    const i = same.trainFiles.indexOf('images/img00.png');
    const ref = makeScene(100);
    expect(Array.from(same.train[i].labels)).toEqual(Array.from(ref.labels));
    expect(Array.from(same.train[i].image.slice(0, 6), (v) => Math.round(v * 255))).toEqual(Array.from(ref.image.slice(0, 6)));
  });

  it('the split depends on the seed only, not on the order files arrive in', async () => {
    const a = await parseDataset(sets['seg-valid'].files, { seed: 3 });
    const b = await parseDataset([...sets['seg-valid'].files].reverse(), { seed: 3 });
    const c = await parseDataset(sets['seg-valid'].files, { seed: 4 });
    expect(b.valFiles).toEqual(a.valFiles);
    expect(c.valFiles).not.toEqual(a.valFiles);
  });

  it('reads the detection set: classes from the JSON, boxes scaled to the input size', async () => {
    const d = await parseDataset(sets['det-valid'].files, { inputSize: 20 });
    expect(d.task).toBe('detection');
    expect(d.classNames).toEqual(FIXTURE_CLASSES);
    expect(d.numClasses).toBe(2);
    expect(d.classCounts).toEqual([FIXTURE_IMAGES, FIXTURE_IMAGES]);
    const k = d.trainFiles.indexOf('img00.png');
    const src = makeScene(200).boxes;
    expect(d.train[k].boxes).toEqual([
      { x0: src[0].x0 / 2, y0: src[0].y0 / 2, x1: src[0].x1 / 2, y1: src[0].y1 / 2, cls: 0 },
      { x0: src[1].x0 / 2, y0: src[1].y0 / 2, x1: src[1].x1 / 2, y1: src[1].y1 / 2, cls: 1 },
    ]);
  });

  const broken = Object.entries(sets).filter(([, s]) => s.expect !== null);
  it.each(broken)('%s fails with a message naming the file and the problem', async (_name, set) => {
    const err = await parseDataset(set.files).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(new RegExp(set.expect!));
  });

  it('covers each broken kind the issue lists', () => {
    expect(broken.map(([n]) => n).sort()).toEqual(
      [
        'det-bad-schema',
        'det-box-outside',
        'det-invalid-json',
        'det-unknown-file',
        'empty',
        'seg-class-out-of-range',
        'seg-missing-label',
        'seg-orphan-label',
        'seg-rgb-label',
        'seg-size-mismatch',
        'seg-unreadable-image',
        'too-few',
      ].sort(),
    );
  });

  it('JPEGs need the browser decoder; its failure names the file', async () => {
    // A JPEG header of the fixture's size: the header is read (and checked) before the decoder runs.
    const files = [...sets['seg-valid'].files.filter((f) => !f.path.endsWith('images/img00.png')), { path: 'seg-valid/images/img00.jpg', data: jpegHeader(FIXTURE_SIZE, FIXTURE_SIZE).slice().buffer }];
    await expect(parseDataset(files)).rejects.toThrow(/images\/img00\.jpg: is a \.jpg image, and only PNG images can be decoded here/);
    await expect(parseDataset(files, { decodeImage: async () => Promise.reject(new Error('bad JPEG marker')) })).rejects.toThrow(
      /images\/img00\.jpg: cannot be decoded as an image \(bad JPEG marker\)/,
    );
    const d = await parseDataset(files, { decodeImage: async () => ({ width: FIXTURE_SIZE, height: FIXTURE_SIZE, data: new Uint8Array(FIXTURE_SIZE * FIXTURE_SIZE * 3).fill(255) }) });
    expect(d.train.length + d.val.length).toBe(FIXTURE_IMAGES);
  });

  it('rejects a bad input size and warns about ignored files and absent classes', async () => {
    await expect(parseDataset(sets['seg-valid'].files, { inputSize: 30 })).rejects.toThrow(/multiple of 4/);
    const extra = [...sets['seg-valid'].files, { path: 'seg-valid/notes.txt', data: new ArrayBuffer(1) }, { path: 'seg-valid/.DS_Store', data: new ArrayBuffer(1) }];
    const d = await parseDataset(extra);
    expect(d.warnings.join('\n')).toMatch(/ignored files that are neither images nor labels: notes\.txt$/m);
    expect(d.warnings.join('\n')).not.toMatch(/DS_Store/);
  });
});
