// Types of a user dataset dropped on the page: the files as they arrive, decoded images, and the
// parsed dataset as Scenes (the digit demo's sample type), so batches and task adapters apply as is.
import { LIMITS } from '../../limits';
import { clip } from '../../messageQuote';
import type { Scene } from '../scenes';

export type DatasetTask = 'segmentation' | 'detection';

/** One dropped file: its path relative to the dropped folder ("images/a.png") and its bytes. */
export interface DatasetFile {
  readonly path: string;
  readonly data: ArrayBuffer;
}

/** An 8-bit RGB image, [H, W, 3] row-major. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Decodes an image file that is not a PNG (JPEG, WebP, BMP, GIF). The worker passes one built on
 * createImageBitmap + OffscreenCanvas; Node tests have none, so only PNGs decode there.
 */
export type ImageDecoder = (file: DatasetFile) => Promise<RgbImage>;

/**
 * A user error in the dropped files: names the file (when one is to blame) and the problem. The
 * path is cut at LIMITS.quoteChars and the problem at LIMITS.noticeChars, whatever the drop held.
 */
export class DatasetError extends Error {
  readonly file: string | null;
  readonly problem: string;
  constructor(file: string | null, problem: string) {
    const f = file === null ? null : clip(file);
    const p = clip(problem, LIMITS.noticeChars.value);
    super(f ? `${f}: ${p}` : p);
    this.file = f;
    this.problem = p;
    this.name = 'DatasetError';
  }
}

/** How far a dataset load is: its phase, and files (or images) done of the total. */
export interface LoadProgress {
  /** 'reading': the page reads the dropped files; 'decoding': the worker decodes and resizes the images. */
  readonly phase: 'reading' | 'decoding';
  readonly done: number;
  readonly total: number;
}

export interface ParseOptions {
  /** Square model input side every image is resized to (multiple of 4). Default 64. */
  readonly inputSize?: number;
  /** Fraction of the images held out for validation (at least one). Default 0.2. */
  readonly valFraction?: number;
  /** Seed of the train/val split. Default 1. */
  readonly seed?: number;
  /** Decoder for non-PNG images (see ImageDecoder). */
  readonly decodeImage?: ImageDecoder;
  /** Called as images are decoded (at most every 100 ms, and at the end). */
  readonly onProgress?: (progress: LoadProgress) => void;
  /** Aborted: the parse stops after the image it is decoding, with a DatasetError. */
  readonly signal?: AbortSignal;
}

export interface CustomDataset {
  /** The labels' task; 'segmentation' (with all-background labels) for an images-only dataset. */
  readonly task: DatasetTask;
  /** False for a folder of images without labels (used label-free only). */
  readonly labelled: boolean;
  /** Segmentation: classes incl. background 0 (max label + 1). Detection: entries of `classes`. */
  readonly numClasses: number;
  readonly classNames: readonly string[];
  readonly inputSize: number;
  readonly train: readonly Scene[];
  readonly val: readonly Scene[];
  /** Source file of each sample (images), in the order of train / val. */
  readonly trainFiles: readonly string[];
  readonly valFiles: readonly string[];
  /** Per class: labelled pixels (segmentation, after resizing) or boxes (detection), all images. */
  readonly classCounts: readonly number[];
  /** Size of the source images: [min, max] of height and width. */
  readonly sourceSize: { readonly minH: number; readonly maxH: number; readonly minW: number; readonly maxW: number };
  /** Things that were accepted but deserve a look (unused files, missing classes, …). */
  readonly warnings: readonly string[];
}

/** Limits: more classes than this is almost surely not a class map (e.g. a photo saved as label). Stated in src/limits.ts. */
export const MAX_CLASSES = LIMITS.classes.value;
/** At least one training and one validation image. */
export const MIN_IMAGES = 2;
