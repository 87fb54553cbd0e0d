// A dropped dataset as the arrays of a run bundle's dataset.safetensors: each split's images as
// the page holds them (float32 RGB in [0, 1], NHWC, already resized) and its labels: class maps
// (segmentation) or boxes (detection: float64 corners, classes, and where each image's boxes
// start), from which dataset.py encodes CenterNet's targets as the page does. The size is
// counted before anything is copied: the page builds the zip in memory.
import type { Scene } from '../data/scenes';
import type { Task } from '../models/nets';
import type { SafetensorsTensor } from '../share/safetensors';
import { PytorchExportError } from './graph';

const MiB = 1024 * 1024;

/**
 * The most bytes of dataset arrays a bundle holds. The page's worker copies them, zips them (a
 * second buffer of about that size) and hands the zip to the page, which saves it as a Blob: three
 * copies of 256 MiB stay well inside a tab. At 64 px that is ~5 000 segmentation images
 * (12 bytes of RGB and a label byte per pixel), at 256 px ~315.
 */
export const MAX_DATASET_BUNDLE_BYTES = 256 * MiB;

export interface DatasetSplits {
  readonly train: readonly Scene[];
  readonly val: readonly Scene[];
}

function splitBytes(task: Task, scenes: readonly Scene[]): number {
  let bytes = 0;
  for (const s of scenes) bytes += s.image.length * 4 + (task === 'segmentation' ? s.labels.length : 4 + s.boxes.length * 36);
  return bytes;
}

/** Bytes the arrays of `splits` take in dataset.safetensors. */
export function datasetBundleBytes(task: Task, splits: DatasetSplits): number {
  return splitBytes(task, splits.train) + splitBytes(task, splits.val);
}

function splitArrays(task: Task, name: string, scenes: readonly Scene[]): Record<string, SafetensorsTensor> {
  const { height: h, width: w } = scenes[0];
  const images = new Float32Array(scenes.length * h * w * 3);
  scenes.forEach((s, i) => images.set(s.image, i * h * w * 3));
  const out: Record<string, SafetensorsTensor> = { [`${name}.images`]: { dtype: 'F32', shape: [scenes.length, h, w, 3], data: images } };
  if (task === 'segmentation') {
    const labels = new Uint8Array(scenes.length * h * w);
    scenes.forEach((s, i) => labels.set(s.labels, i * h * w));
    out[`${name}.labels`] = { dtype: 'U8', shape: [scenes.length, h, w], data: labels };
    return out;
  }
  const boxes = scenes.flatMap((s) => s.boxes);
  const start = new Int32Array(scenes.length + 1);
  scenes.forEach((s, i) => (start[i + 1] = start[i] + s.boxes.length));
  out[`${name}.boxes`] = { dtype: 'F64', shape: [boxes.length, 4], data: Float64Array.from(boxes.flatMap((b) => [b.x0, b.y0, b.x1, b.y1])) };
  out[`${name}.classes`] = { dtype: 'I32', shape: [boxes.length], data: Int32Array.from(boxes.map((b) => b.cls)) };
  out[`${name}.box_start`] = { dtype: 'I32', shape: [scenes.length + 1], data: start };
  return out;
}

/** dataset.safetensors' arrays (train.* and val.*); throws PytorchExportError, before copying, when over MAX_DATASET_BUNDLE_BYTES. */
export function datasetArrays(task: Task, splits: DatasetSplits, limit = MAX_DATASET_BUNDLE_BYTES): Record<string, SafetensorsTensor> {
  const bytes = datasetBundleBytes(task, splits);
  if (bytes > limit) {
    const mib = (n: number) => `${(n / MiB).toFixed(n < 10 * MiB ? 1 : 0)} MiB`;
    throw new PytorchExportError(
      `cannot continue in PyTorch: the dataset's images and labels take ${mib(bytes)} (${splits.train.length} training and ${splits.val.length} validation images at ${splits.train[0].width}×${splits.train[0].height}), over the ${mib(limit)} a bundle is built with in memory: load it at a smaller input size or with fewer images`,
    );
  }
  return { ...splitArrays(task, 'train', splits.train), ...splitArrays(task, 'val', splits.val) };
}
