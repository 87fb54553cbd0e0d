// The dataset's caps that need no decoding: how many files, how many bytes each and in all (from
// File.size on the page, before anything is read; from the buffers again in the worker), and how
// much memory the resized samples will take (from the image count and the input size, before the
// first image is decoded), and how much decoding the drop asks for (the pixels of every image and
// label map together, from their headers, before the first is decoded). Limits in src/limits.ts.
import { LIMITS, limitText } from '../../limits';
import { formatByteCount, groupDigits } from '../../messageNumbers';
import { checkImageSize, readImageHeader } from './imageHeader';
import { DatasetError, type DatasetFile } from './types';

/** A file of a drop as the page sees it before reading: its path and File.size. */
export interface SizedFile {
  readonly path: string;
  readonly size: number;
}

const isJson = (path: string) => /\.json$/i.test(path);

/**
 * Throws a DatasetError naming the file (or the drop) and the limit when a drop has too many
 * files, a file too many bytes, or all files together too many. Call it with File.size values
 * before reading any file; parseDataset calls it again on the bytes.
 */
export function checkDatasetFiles(files: readonly SizedFile[]): void {
  if (files.length > LIMITS.datasetFiles.value) {
    // A dropped folder is walked only this far (src/ui/droppedFiles.ts): "more than", not a count.
    throw new DatasetError(null, `the drop holds more than ${groupDigits(LIMITS.datasetFiles.value)} files, over ${limitText('datasetFiles')} on ${LIMITS.datasetFiles.what}: drop a smaller dataset`);
  }
  let total = 0;
  for (const f of files) {
    const size = f.size;
    if (!(Number.isSafeInteger(size) && size >= 0)) throw new DatasetError(f.path, `has no valid size (${String(size)})`);
    const json = isJson(f.path);
    const cap = json ? LIMITS.boxesJsonBytes : LIMITS.datasetFileBytes;
    if (size > cap.value) {
      throw new DatasetError(
        f.path,
        `is ${formatByteCount(size)}, over ${limitText(json ? 'boxesJsonBytes' : 'datasetFileBytes')} on ${cap.what}; it was not read`,
      );
    }
    total += size;
  }
  if (total > LIMITS.datasetTotalBytes.value) {
    throw new DatasetError(null, `the drop holds ${formatByteCount(total)} in ${groupDigits(files.length)} files, over ${limitText('datasetTotalBytes')} on ${LIMITS.datasetTotalBytes.what}; nothing was read`);
  }
}

/** Bytes the worker keeps per sample at input side `size`: float32 RGB image + one label byte per pixel. */
export const sampleBytes = (size: number): number => size * size * (3 * 4 + 1);

/** Throws a DatasetError naming the limit when `images` samples at `size`×`size` would exceed the sample budget. */
export function checkSampleBudget(images: number, size: number): void {
  const bytes = images * sampleBytes(size);
  if (bytes > LIMITS.datasetSampleBytes.value) {
    const fits = Math.floor(LIMITS.datasetSampleBytes.value / sampleBytes(size));
    throw new DatasetError(
      null,
      `${groupDigits(images)} images at an input size of ${size}×${size} would take ${formatByteCount(bytes)} once decoded, over ${limitText('datasetSampleBytes')} on ${LIMITS.datasetSampleBytes.what}: use at most ${groupDigits(fits)} images at this size, or a smaller input size. Nothing was decoded`,
    );
  }
}

/** A file to be decoded and what it is ("image" or "label map"). */
export interface DecodeItem {
  readonly file: DatasetFile;
  readonly what: string;
}

/**
 * Throws a DatasetError naming the limit when the images and label maps of a drop declare more
 * pixels together than LIMITS.datasetDecodePixels, read from their headers before any is decoded
 * (thousands of 22 KB PNGs that each say 4096² pass every per-file cap but take hours to decode).
 * A header over a per-image cap is refused here already; an unreadable one is left to its decoder,
 * which names the problem. Returns the pixels counted.
 */
export function checkDecodeWork(items: readonly DecodeItem[]): number {
  let total = 0;
  for (const { file, what } of items) {
    const header = readImageHeader(file.data);
    if (!header) continue;
    checkImageSize(file.path, header, what);
    total += header.width * header.height;
    if (total > LIMITS.datasetDecodePixels.value) {
      throw new DatasetError(
        null,
        `the ${groupDigits(items.length)} images and label maps declare more pixels in their headers than ${limitText('datasetDecodePixels')} on decode work allows for one drop: use fewer or smaller images. Nothing was decoded`,
      );
    }
  }
  return total;
}
