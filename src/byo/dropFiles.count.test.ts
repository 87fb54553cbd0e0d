// A dropped folder is walked only as far as two models' files go: a folder of a million entries
// (stand-in FileSystem entries, property-based over folder sizes) is refused by its count with a
// ModelFileError after listing at most one batch past the limit, and a drop within it is listed whole.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filesFromDrop, filesFromInput, MAX_DROPPED_MODEL_FILES } from './dropFiles';
import { ModelFileError } from './modelFiles';

/** A folder entry of `count` files that readEntries hands out 100 at a time; `listed` counts them. */
function folder(count: number) {
  const stats = { listed: 0 };
  const file = (i: number) => ({ isFile: true, isDirectory: false, name: `w${i}.bin`, fullPath: `/m/w${i}.bin`, file: (ok: (f: File) => void) => ok(new File(['x'], `w${i}.bin`)) });
  const dir = {
    isFile: false,
    isDirectory: true,
    name: 'm',
    fullPath: '/m',
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (batch: unknown[]) => void) => {
          const n = Math.min(100, count - at);
          const batch = Array.from({ length: n }, (_, k) => file(at + k));
          at += n;
          stats.listed += n;
          ok(batch);
        },
      };
    },
  };
  const dt = { items: [{ kind: 'file', webkitGetAsEntry: () => dir }], files: [] } as unknown as DataTransfer;
  return { dt, stats };
}

describe('a model drop is counted while it is walked', () => {
  it('a folder within the limit is listed whole; one past it is refused, listing at most a batch more (generated sizes)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 1, max: MAX_DROPPED_MODEL_FILES + 300 }), fc.constant(1_000_000)), async (count) => {
        const { dt, stats } = folder(count);
        if (count <= MAX_DROPPED_MODEL_FILES) {
          expect(await filesFromDrop(dt)).toHaveLength(count);
        } else {
          const err = await filesFromDrop(dt).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(ModelFileError);
          expect((err as Error).message).toMatch(/^\(dropped files\): more than 530 files/);
          expect((err as Error).message.length).toBeLessThan(300);
          expect(stats.listed).toBeLessThanOrEqual(MAX_DROPPED_MODEL_FILES + 100);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('the file dialog is counted the same way', () => {
    const list = Array.from({ length: MAX_DROPPED_MODEL_FILES + 1 }, (_, i) => new File(['x'], `w${i}.bin`)) as unknown as FileList;
    expect(() => filesFromInput(list)).toThrow(ModelFileError);
  });
});
