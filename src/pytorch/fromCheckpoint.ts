// A run bundle from a stage-2 checkpoint (what IndexedDB keeps, what the engine's exportState
// returns): the run's student and the align module given the checkpoint's weights, its tokens
// (+ branch), Adam's state, schedule position, seed, method with its full parameters and history,
// and the run's data: the demo's next global batches and scenes.py, or a dropped dataset's arrays
// and dataset.py. The teacher is the caller's, and so is a user's student: a checkpoint holds
// neither topology (the demo's built-in student is rebuilt when none is given).
import type * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from '../engine/checkpoint';
import type { DigitPools } from '../data/digits';
import { resolveParams } from '../maskd/methodInfo';
import type { TokenWeightsState } from '../maskd/tokenLayout';
import type { Plan } from '../onnx/convert/plan';
import { buildAlign } from '../models/align';
import { buildStudent, DET_HEAT_CHANNELS, SEG_CLASSES, TAP_LAYER } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { demoSource, sceneForSize } from '../train/demo';
import { setModelWeights } from '../train/runState';
import { adamStateForTorch } from './adamState';
import { PytorchExportError } from './graph';
import { datasetArrays, type DatasetSplits } from './datasetArrays';
import { pageReturnFiles } from './pageReturn';
import { recordBatches } from './recordBatches';
import { buildRunBundle, type BundleFiles, type RunHistoryEntry } from './runBundle';
import type { MaskStageConfig } from '../engine/runConfigs';

/** Global batches recorded by default: the rest of the run, at most this many. */
export const MAX_RECORDED_STEPS = 200;

export interface CheckpointBundleOptions {
  readonly teacher: tf.LayersModel;
  /** The digit pools: the demo's scenes are the data (unless `dataset` is given). */
  readonly pools?: DigitPools;
  /** A dropped dataset's splits and classes: its arrays are the data (no batches are recorded). */
  readonly dataset?: { readonly splits: DatasetSplits; readonly numClasses: number };
  /** A fresh model of the run's student, given the checkpoint's weights here (the caller disposes it); default: the demo's built-in student, rebuilt. */
  readonly student?: tf.LayersModel;
  /** Tap layers (default the demo nets' TAP_LAYER). */
  readonly taps?: { readonly teacher: string; readonly student: string };
  /** The teacher's ONNX graph when it came in as .onnx (RunBundleInput.teacherOnnx). */
  readonly teacherOnnx?: Plan;
  /** Global batches to record from the checkpoint's step on (default: the rest of the run, at most MAX_RECORDED_STEPS, at least 1). */
  readonly recordSteps?: number;
  /** Adam's epsilon in the run (TF.js's backend epsilon: 1e-7 on cpu, wasm and webgpu). */
  readonly epsilon?: number;
  /** The page's own next steps from a throwaway copy of this state, for train.py --check. */
  readonly check?: readonly RunHistoryEntry[];
  /** The stage-1 settings that learnt the checkpoint's tokens in this session (page.json's Setup records them). */
  readonly stage1?: MaskStageConfig | null;
}

const hwc = (s: readonly number[]): [number, number, number] => [s[0], s[1], s[2]];

/** The bundle's files for `cp`; throws PytorchExportError (nothing written) when it cannot be expressed. */
export function bundleFromCheckpoint(cp: Checkpoint, o: CheckpointBundleOptions): BundleFiles {
  if (cp.kind !== 'distill' || !cp.student || !cp.align) throw new PytorchExportError('only a distillation (stage 2) checkpoint continues in PyTorch');
  const { dataset, pools } = o;
  if (!dataset && !pools) throw new Error('bundleFromCheckpoint: no data (pools or dataset)');
  const size = cp.inputSize;
  const taps = o.taps ?? { teacher: TAP_LAYER, student: TAP_LAYER };
  const numClasses = dataset?.numClasses ?? (cp.task === 'segmentation' ? SEG_CLASSES : DET_HEAT_CHANNELS);
  const student = o.student ?? buildStudent(cp.task, { inputShape: [size, size, 3] });
  let align: tf.LayersModel | null = null;
  try {
    setModelWeights(student, cp.student, 'student');
    align = buildAlign(hwc(splitAtLayer(student, taps.student).tapShape), hwc(splitAtLayer(o.teacher, taps.teacher).tapShape));
    setModelWeights(align, cp.align, 'align module');
    const { config } = cp;
    const branch: TokenWeightsState | undefined = cp.branch ? Object.fromEntries(cp.branch.map((a) => [a.name, { shape: [...a.shape], data: Array.from(a.data) }])) : undefined;
    const files = buildRunBundle({
      task: cp.task,
      numClasses,
      teacher: o.teacher,
      ...(o.teacherOnnx ? { teacherOnnx: o.teacherOnnx } : {}),
      student,
      align,
      tap: taps,
      method: { name: config.method, params: resolveParams(config.method, config.params as never) as unknown as Record<string, number | boolean> },
      ...(cp.tokens ? { tokens: { tokens: { name: cp.tokens.name, shape: [...cp.tokens.shape], data: Array.from(cp.tokens.data) }, branch } } : {}),
      schedule: { baseLr: cp.lr, totalSteps: cp.total, step: cp.step },
      optimizer: { beta1: 0.9, beta2: 0.999, epsilon: o.epsilon ?? 1e-7 },
      ...(cp.step > 0 ? { optimizerState: adamStateForTorch(cp.optimizer, [{ role: 'student', model: student }, { role: 'align', model: align }]) } : {}),
      seed: config.seed,
      history: cp.history
        .filter((h) => [h.losses.task, h.losses.distill, h.losses.total].every(Number.isFinite))
        .map((h) => ({ step: h.step, task: h.losses.task, distill: h.losses.distill, total: h.losses.total, where: 'browser' as const })),
      ...(o.check ? { check: o.check } : {}),
      ...(dataset
        ? { dataset: { arrays: datasetArrays(cp.task, dataset.splits), seed: config.seed, batch: config.batchSize } }
        : demoData(cp, pools as DigitPools, numClasses, o.recordSteps)),
    });
    // The way back to the page (./pageReturn.ts): scored on the digit demos' held-out scenes, or on the dataset's validation split.
    const data = dataset ? { datasetClasses: dataset.numClasses } : { pools: pools as DigitPools };
    return { ...files, ...pageReturnFiles(cp, { student, align, data, stage1: o.stage1 }) };
  } finally {
    if (!o.student) student.dispose();
    align?.dispose();
  }
}

/** The demo's scenes: the next global batches recorded, scenes.py and the training digits for the rest. */
function demoData(cp: Checkpoint & { kind: 'distill' }, pools: DigitPools, numClasses: number, recordSteps: number | undefined) {
  const { config } = cp;
  const source = demoSource(pools, cp.task, cp.inputSize);
  const record = Math.max(1, Math.round(recordSteps ?? Math.min(cp.total - cp.step, MAX_RECORDED_STEPS)));
  return {
    scenes: { pool: pools.train, seed: config.seed, batch: config.batchSize, scene: sceneForSize(cp.inputSize) },
    batches: recordBatches(cp.task, numClasses, (step) => source.trainBatch(config.seed, step, config.batchSize), cp.step, record),
  };
}
