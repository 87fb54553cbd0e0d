// The page's *Export → Continue in PyTorch (.zip)*: the run bundle of the session's last stage-2
// state (src/pytorch/fromCheckpoint.ts) as one zip, built in the engine's worker. Everything is
// checked before a byte is zipped: a stage-2 state of the demo that is loaded, the demo's digit
// scenes (a dropped dataset is not exported), the demo's built-in student (the bundle rebuilds it
// from the checkpoint), and every layer of the teacher, student and align module (a layer the
// generator cannot express is refused by name: PytorchExportError).
import type * as tf from '@tensorflow/tfjs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import type { DigitPools } from '../data/digits';
import type { Checkpoint } from '../engine/checkpoint';
import type { PytorchExport } from '../engine/models';
import type { Task } from '../models/nets';
import { bundleFromCheckpoint } from './fromCheckpoint';
import { PytorchExportError } from './graph';
import type { BundleFiles } from './runBundle';

/**
 * Global batches the page's zip records (the CLI records up to 200): scenes.py draws the page's
 * exact batches past them, so a few keep `--check`-free runs bit-identical without a large zip.
 */
export const PAGE_RECORDED_STEPS = 8;

/** The folder inside the zip (and the zip's name without `.zip`): `maskd-pytorch-<task>-step<k>`. */
export const bundleFolder = (task: Task, step: number): string => `maskd-pytorch-${task}-step${step}`;

export interface SessionBundleInput {
  /** The engine's last checkpoint (null: no run yet). */
  readonly checkpoint: Checkpoint | null;
  readonly demo: { readonly task: Task; readonly inputSize: number; readonly teacher: tf.LayersModel; readonly dataKind: string; readonly userStudent: boolean };
  readonly pools: DigitPools;
  /** The backend's epsilon (Adam's in TF.js). */
  readonly epsilon: number;
}

/** Why the session's state cannot continue in PyTorch, or null when it can (before the models are read). */
export function sessionBundleRefusal(i: { readonly checkpoint: Checkpoint | null; readonly demo: Omit<SessionBundleInput['demo'], 'teacher'> }): string | null {
  const cp = i.checkpoint;
  if (!cp || cp.kind !== 'distill' || !cp.student || !cp.align) return 'there is no stage-2 state to hand over: run Distill first (only a distillation run has a student, an align module and Adam\'s state to continue)';
  if (cp.task !== i.demo.task || cp.inputSize !== i.demo.inputSize) return `the last distillation ran on the ${cp.task} demo at ${cp.inputSize}×${cp.inputSize}, not on the one loaded now: run Distill again`;
  if (i.demo.dataKind !== 'digits') return 'the models run on your dataset: its images and labels are not exported yet, only the digit demos\' scenes are';
  if (i.demo.userStudent) return 'the student is your model: the bundle rebuilds the demo\'s built-in student from the run\'s weights, so only a built-in student continues in PyTorch for now';
  return null;
}

/** The bundle as zip bytes, its files under `maskd-pytorch-<task>-step<k>/`; throws PytorchExportError with nothing built. */
export function sessionBundleZip(i: SessionBundleInput): PytorchExport {
  const why = sessionBundleRefusal(i);
  if (why) throw new PytorchExportError(`cannot continue in PyTorch: ${why}`);
  const cp = i.checkpoint as Checkpoint & { kind: 'distill' };
  const files = bundleFromCheckpoint(cp, {
    teacher: i.demo.teacher,
    pools: i.pools,
    epsilon: i.epsilon,
    recordSteps: Math.min(PAGE_RECORDED_STEPS, Math.max(1, cp.total - cp.step)),
  });
  const bytes = zipBundle(files, bundleFolder(cp.task, cp.step));
  return {
    task: cp.task,
    method: cp.config.method,
    step: cp.step,
    total: cp.total,
    files: Object.keys(files).length,
    bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  };
}

export function zipBundle(files: BundleFiles, folder: string): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(files)) entries[`${folder}/${name}`] = typeof data === 'string' ? strToU8(data) : data;
  return zipSync(entries, { level: 6 });
}

/** A bundle zip's files by their name inside the folder (tests and scripts). */
export function readBundleZip(bytes: Uint8Array): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [path, data] of Object.entries(unzipSync(bytes))) out[path.slice(path.indexOf('/') + 1)] = data;
  return out;
}
