// A dropped dataset folder is walked one file past the dataset's file limit and no further: the
// drop is then refused by its count (checkDatasetFiles), and a folder of a million entries
// (stand-in FileSystem entries) is never listed whole.
import { describe, expect, it } from 'vitest';
import { checkDatasetFiles } from '../data/custom/budget';
import { DatasetError } from '../data/custom/types';
import { LIMITS } from '../limits';
import { pickedFromDrop } from './droppedFiles';

function folder(count: number) {
  const stats = { listed: 0 };
  const file = (i: number) => ({ isFile: true, isDirectory: false, name: `${i}.png`, file: (ok: (f: File) => void) => ok(new File(['x'], `${i}.png`)) });
  const dir = {
    isFile: false,
    isDirectory: true,
    name: 'set',
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (batch: unknown[]) => void) => {
          const n = Math.min(100, count - at);
          at += n;
          stats.listed += n;
          ok(Array.from({ length: n }, (_, k) => file(at - n + k)));
        },
      };
    },
  };
  const dt = { items: [{ kind: 'file', webkitGetAsEntry: () => dir }], files: [] } as unknown as DataTransfer;
  return { dt, stats };
}

describe('a dropped dataset folder is walked only to one past the file limit', () => {
  it('a million entries: one file past the limit is listed, and the drop is refused by its count', async () => {
    const { dt, stats } = folder(1_000_000);
    const picked = await pickedFromDrop(dt);
    expect(picked).toHaveLength(LIMITS.datasetFiles.value + 1);
    expect(stats.listed).toBeLessThanOrEqual(LIMITS.datasetFiles.value + 100);
    expect(() => checkDatasetFiles(picked.map((p) => ({ path: p.path, size: p.file.size })))).toThrow(DatasetError);
  });

  it('a folder within the limit is listed whole, with its paths', async () => {
    const picked = await pickedFromDrop(folder(250).dt);
    expect(picked).toHaveLength(250);
    expect(picked[7].path).toBe('set/7.png');
  });
});
