// A stage-2 checkpoint from a page run file (src/share/runFile.ts), for a run bundle. A file with
// a checkpoint (formatVersion 2, what train.py writes) gives it as is. One without holds the
// settings, tokens and history but no student: the run starts at step 0 from the engine's demo
// student init (runDistill: the built-in student with kernels seeded by the run's seed, the
// shipped pretrained backbone over them, the align module seeded with seed + 1), with the file's
// tokens and Distill settings. A run file does not hold the models it ran with, so a run of a
// user's own models is refused where it shows: tokens of another width than the demo teacher's
// tap, or a checkpoint whose student is not the demo's.
import * as tf from '@tensorflow/tfjs';
import { CHECKPOINT_VERSION, type Checkpoint } from '../engine/checkpoint';
import type { NamedArray } from '../engine/artifacts';
import type { DistillConfig } from '../engine/runConfigs';
import { buildAlign } from '../models/align';
import { buildStudent, TAP_LAYER } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { applyBackbone, checkBackbone } from '../models/studentBackbone';
import type { ParsedRunFile } from '../share/runFile';
import { modelWeightsToArrays } from '../train/runState';
import { reseedKernels } from '../train/seededInit';
import { PytorchExportError } from './graph';

const OWN_MODELS = 'a run file does not hold the models it ran with: export the bundle from the page (Export → Continue in PyTorch) with your models loaded';

const hwc = (s: readonly number[]): [number, number, number] => [s[0], s[1], s[2]];

/** The run file's settings as the Distill run the page would start with them. */
export function runFileDistillConfig(run: Pick<ParsedRunFile, 'config'>): DistillConfig {
  const { seed, distill } = run.config;
  return { method: distill.method, params: distill.params[distill.method] as Record<string, number | boolean>, steps: distill.steps, batchSize: distill.batchSize, lr: distill.lr, seed, evalEvery: distill.evalEvery, valCount: distill.valCount };
}

/**
 * The checkpoint a bundle of `run` starts from, for the demo's `teacher` (the shipped one of the
 * run's task); `backbone`: the shipped student backbone's meta.json and weights.bin (checked
 * here against the student; null: the student starts fresh, as the page's does without one).
 * Throws PytorchExportError when the run was of other models than the demo's.
 */
export async function runFileCheckpoint(run: ParsedRunFile, teacher: tf.LayersModel, backbone: { readonly manifest: unknown; readonly bytes: ArrayBuffer } | null): Promise<Checkpoint> {
  const task = run.config.task;
  const teacherTap = splitAtLayer(teacher, TAP_LAYER).tapShape;
  const tokens = run.tokens?.tokens;
  if (tokens && tokens.shape[1] !== teacherTap[2]) {
    throw new PytorchExportError(`cannot continue in PyTorch: the run's tokens are ${tokens.shape[0]}×${tokens.shape[1]}, but the ${task} demo teacher's tap has ${teacherTap[2]} channels, so the run was of other models (your own): ${OWN_MODELS}`);
  }
  const given = run.checkpoint;
  if (given) {
    if (given.kind !== 'distill') throw new PytorchExportError('cannot continue in PyTorch: the run file\'s checkpoint is not of a distillation (stage 2) run');
    if (given.studentInit === undefined) throw new PytorchExportError(`cannot continue in PyTorch: the run file's student is not one of the demo's built-in students (its checkpoint names no built-in init): ${OWN_MODELS}`);
    return given;
  }
  const size = teacher.inputs[0].shape[1] as number;
  const config = runFileDistillConfig(run);
  const student = buildStudent(task, { inputShape: [size, size, 3] });
  let align: tf.LayersModel | null = null;
  try {
    reseedKernels(student, config.seed);
    if (backbone) applyBackbone(student, checkBackbone(student, backbone.manifest, backbone.bytes));
    align = buildAlign(hwc(splitAtLayer(student, TAP_LAYER).tapShape), hwc(teacherTap));
    reseedKernels(align, config.seed + 1);
    const arrays = (t: { name: string; shape: readonly number[]; data: readonly number[] }): NamedArray => ({ name: t.name, shape: [...t.shape], data: Float32Array.from(t.data) });
    const branch = run.tokens?.branch;
    return {
      version: CHECKPOINT_VERSION,
      kind: 'distill',
      config,
      task,
      inputSize: size,
      studentInit: backbone ? 'pretrained' : 'fresh',
      step: 0,
      total: config.steps,
      lr: config.lr,
      savedAt: 0,
      reason: 'export',
      backend: tf.getBackend(),
      tokens: tokens ? arrays(tokens) : null,
      branch: branch ? Object.entries(branch).map(([name, t]) => arrays({ name, ...t })) : null,
      student: await modelWeightsToArrays(student),
      align: await modelWeightsToArrays(align),
      optimizer: [],
      best: null,
      history: [],
    };
  } finally {
    student.dispose();
    align?.dispose();
  }
}
