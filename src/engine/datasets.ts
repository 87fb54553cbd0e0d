// A user's dataset: the dropped files, how to split them, and the summary the Setup card shows.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

import type { Task } from '../models/nets';
import type { LoadProgress } from '../data/custom/types';
import type { EngineWarning } from './warnings';

/** How far a dataset load is (the page reads, then the worker decodes); the `datasetLoad` event carries it. */
export type DatasetLoadProgress = LoadProgress;

/** A dropped dataset file: its path relative to the dropped folder, and its bytes. */
export interface DatasetFileData {
  readonly path: string;
  readonly data: ArrayBuffer;
}

export interface LoadDatasetOptions {
  /** Square model input side (multiple of 4, 8..512); default 64. */
  readonly inputSize?: number;
  /** Fraction held out for validation; default 0.2. */
  readonly valFraction?: number;
  /** Seed of the train/val split; default 1. */
  readonly seed?: number;
  /** The page's number for this load (rising), which cancelDatasetLoad names: a cancel that arrives first still stops it. */
  readonly loadId?: number;
}

/** One sample of a loaded dataset at the model's input size, for the Setup card's previews. */
export interface DatasetPreview {
  readonly file: string;
  readonly height: number;
  readonly width: number;
  /** RGB in [0, 1], [H, W, 3]. */
  readonly image: Float32Array;
  /** Segmentation: class per pixel [H, W]; null for detection. */
  readonly labels: Uint8Array | null;
  /** Detection boxes in input pixels (cls = class index). */
  readonly boxes: readonly { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number; readonly cls: number }[];
}

export interface DatasetSummary {
  /** The labels' task; an images-only dataset (no labels) says 'segmentation' here and `labelled: false`. */
  readonly task: Task;
  /** False for a folder of images without labels: used label-free only. */
  readonly labelled: boolean;
  readonly numClasses: number;
  readonly classNames: readonly string[];
  /** Pixels (segmentation, after resizing) or boxes (detection) per class. */
  readonly classCounts: readonly number[];
  readonly inputSize: number;
  readonly train: number;
  readonly val: number;
  readonly files: number;
  readonly sourceSize: { readonly minH: number; readonly maxH: number; readonly minW: number; readonly maxW: number };
  readonly warnings: readonly EngineWarning[];
  /** A few validation samples. */
  readonly previews: readonly DatasetPreview[];
}
