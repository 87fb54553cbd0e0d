// The page's *Export → Continue in PyTorch (.zip)*: the run bundle of the session's last stage-2
// state (src/pytorch/fromCheckpoint.ts) as one zip, built in the engine's worker from the
// engine's own models: the teacher as loaded (the demo's or a user's layers model), a fresh copy
// of the run's student (the demo's built-in one, or the user's, from its files) given the
// checkpoint's weights, and the run's data (the digit scenes, or a dropped dataset's arrays). The
// page's own next steps from a throwaway copy of the state go in as `check`. Everything is checked
// before a byte is zipped: a stage-2 state of the demo that is loaded, a layers teacher, labels to
// train against, every layer of the teacher, student and align module (PytorchExportError names
// each refused one), and the dataset's size.
import { strToU8, unzipSync, zipSync } from 'fflate';
import type { DigitPools } from '../data/digits';
import type { Checkpoint } from '../engine/checkpoint';
import type { MaskStageConfig } from '../engine/runConfigs';
import type { PytorchExport } from '../engine/models';
import { disposeModel } from '../models/disposeModel';
import { buildStudent, TAP_LAYER, type Task } from '../models/nets';
import type { Demo } from '../train/demo';
import { freshUserStudent } from '../train/loadUserModels';
import { labelFreeReason } from '../train/objective';
import { taskAdapter } from '../train/tasks';
import { bundleFromCheckpoint } from './fromCheckpoint';
import { PytorchExportError } from './graph';
import { pageNextSteps, PAGE_CHECK_STEPS } from './pageCheck';
import type { BundleFiles } from './runBundle';

/**
 * Global batches the page's zip records (the CLI records up to 200): scenes.py draws the page's
 * exact batches past them, so a few keep `--check`-free runs bit-identical without a large zip.
 */
export const PAGE_RECORDED_STEPS = 8;

/** The folder inside the zip (and the zip's name without `.zip`): `maskd-pytorch-<task>-step<k>`. */
export const bundleFolder = (task: Task, step: number): string => `maskd-pytorch-${task}-step${step}`;

/** What the refusal reads of the session's demo. */
export interface SessionFacts {
  readonly task: Task;
  readonly inputSize: number;
  /** The user's teacher (its file and kind), or null for a built-in one. */
  readonly userTeacher: { readonly file: string; readonly kind: 'layers' | 'graph' } | null;
  /** Why the run learnt from the teacher's own outputs (no labels fit), or null. */
  readonly labelFree: string | null;
}

export function sessionFacts(demo: Demo): SessionFacts {
  const t = demo.user?.teacher;
  return { task: demo.task, inputSize: demo.inputShape[0], userTeacher: t ? { file: t.file, kind: t.kind } : null, labelFree: demo.mimic ? 'the student mimics the teacher\'s outputs' : labelFreeReason(demo) };
}

export interface SessionBundleInput {
  /** The engine's last checkpoint (null: no run yet). */
  readonly checkpoint: Checkpoint | null;
  readonly demo: Demo;
  readonly pools: DigitPools;
  /** The backend's epsilon (Adam's in TF.js). */
  readonly epsilon: number;
  /** The page's next steps to record for --check (default PAGE_CHECK_STEPS; 0: none). */
  readonly checkSteps?: number;
}

/** Why the session's state cannot continue in PyTorch, or null when it can (before the models are read). */
export function sessionBundleRefusal(i: { readonly checkpoint: Checkpoint | null; readonly demo: SessionFacts }): string | null {
  const cp = i.checkpoint;
  if (!cp || cp.kind !== 'distill' || !cp.student || !cp.align) return 'there is no stage-2 state to hand over: run Distill first (only a distillation run has a student, an align module and Adam\'s state to continue)';
  if (cp.task !== i.demo.task || cp.inputSize !== i.demo.inputSize) return `the last distillation ran on the ${cp.task} demo at ${cp.inputSize}×${cp.inputSize}, not on the one loaded now: run Distill again`;
  const t = i.demo.userTeacher;
  if (t?.kind === 'graph') return `the teacher ${t.file} is a TF.js graph model: only layers models become PyTorch modules`;
  if (i.demo.labelFree) return `the run learnt from the teacher's own outputs (${i.demo.labelFree}): train.py trains against labels only`;
  return null;
}

/** A fresh model of the run's student: the user's, from its files, or the built-in one for the data's classes. */
function freshStudent(demo: Demo) {
  const own = demo.user?.student;
  return own ? freshUserStudent(own) : Promise.resolve(buildStudent(demo.task, { inputShape: demo.inputShape, numClasses: demo.source.numClasses }));
}

/** The stage-1 settings that learnt the checkpoint's tokens, when those are the tokens this session learnt and still holds (same values). */
async function stage1OfCheckpointTokens(demo: Demo, cp: Checkpoint): Promise<MaskStageConfig | null> {
  const learnt = demo.tokensLearntWith;
  if (!learnt || !demo.tokens || !cp.tokens) return null;
  const held = await demo.tokens.variable.data();
  const saved = cp.tokens.data;
  const same = held.length === saved.length && held.every((v, i) => v === saved[i]);
  return same ? learnt : null;
}

/** The bundle as zip bytes, its files under `maskd-pytorch-<task>-step<k>/`; throws PytorchExportError with nothing built. */
export async function sessionBundleZip(i: SessionBundleInput): Promise<PytorchExport> {
  const { demo } = i;
  const why = sessionBundleRefusal({ checkpoint: i.checkpoint, demo: sessionFacts(demo) });
  if (why) throw new PytorchExportError(`cannot continue in PyTorch: ${why}`);
  const cp = i.checkpoint as Checkpoint & { kind: 'distill' };
  const { seed, batchSize } = cp.config;
  const taps = { teacher: demo.user?.teacher?.tap ?? TAP_LAYER, student: demo.user?.student?.tap ?? TAP_LAYER };
  const dataset = demo.source.dataset;
  const student = await freshStudent(demo);
  try {
    const steps = i.checkSteps ?? PAGE_CHECK_STEPS;
    const check = steps > 0
      ? await pageNextSteps(cp, { teacher: demo.teacherSplit, student, studentTap: taps.student, adapter: taskAdapter(demo.task, demo.source.numClasses), scenes: (k) => demo.source.trainBatch(seed, k, batchSize) }, steps)
      : undefined;
    const files = bundleFromCheckpoint(cp, {
      teacher: demo.teacher,
      ...(demo.user?.teacher?.kind === 'layers' && demo.user.teacher.onnx ? { teacherOnnx: demo.user.teacher.onnx.plan } : {}),
      student,
      taps,
      ...(dataset ? { dataset: { splits: dataset, numClasses: demo.source.numClasses } } : { pools: i.pools }),
      epsilon: i.epsilon,
      recordSteps: Math.min(PAGE_RECORDED_STEPS, Math.max(1, cp.total - cp.step)),
      ...(check ? { check } : {}),
      stage1: await stage1OfCheckpointTokens(demo, cp),
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
  } finally {
    disposeModel(student);
  }
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
