// A run bundle from a stage-2 checkpoint of a demo run (what IndexedDB keeps, what the engine's
// exportState returns): the demo student and the align module rebuilt and given the checkpoint's
// weights, its tokens (+ branch), Adam's state, schedule position, seed, method with its full
// parameters and history, and the demo's next global batches. The teacher is the caller's: a
// checkpoint does not hold it (the page's is the shipped one, or the user's model).
import type * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from '../engine/checkpoint';
import type { DigitPools } from '../data/digits';
import { resolveParams } from '../maskd/methodInfo';
import type { TokenWeightsState } from '../maskd/tokenLayout';
import { buildAlign } from '../models/align';
import { buildStudent, DET_HEAT_CHANNELS, SEG_CLASSES, TAP_LAYER } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { demoSource, sceneForSize } from '../train/demo';
import { setModelWeights } from '../train/runState';
import { adamStateForTorch } from './adamState';
import { PytorchExportError } from './graph';
import { pageReturnFiles } from './pageReturn';
import { recordBatches } from './recordBatches';
import { buildRunBundle, type BundleFiles, type RunHistoryEntry } from './runBundle';

/** Global batches recorded by default: the rest of the run, at most this many. */
export const MAX_RECORDED_STEPS = 200;

export interface CheckpointBundleOptions {
  readonly teacher: tf.LayersModel;
  readonly pools: DigitPools;
  /** Global batches to record from the checkpoint's step on (default: the rest of the run, at most MAX_RECORDED_STEPS, at least 1). */
  readonly recordSteps?: number;
  /** Adam's epsilon in the run (TF.js's backend epsilon: 1e-7 on cpu, wasm and webgpu). */
  readonly epsilon?: number;
  /** The page's own next steps from a throwaway copy of this state, for train.py --check. */
  readonly check?: readonly RunHistoryEntry[];
}

const hwc = (s: readonly number[]): [number, number, number] => [s[0], s[1], s[2]];

/** The bundle's files for `cp`; throws PytorchExportError (nothing written) when it cannot be expressed. */
export function bundleFromCheckpoint(cp: Checkpoint, o: CheckpointBundleOptions): BundleFiles {
  if (cp.kind !== 'distill' || !cp.student || !cp.align) throw new PytorchExportError('only a distillation (stage 2) checkpoint continues in PyTorch');
  const size = cp.inputSize;
  const student = buildStudent(cp.task, { inputShape: [size, size, 3] });
  let align: tf.LayersModel | null = null;
  try {
    setModelWeights(student, cp.student, 'student');
    align = buildAlign(hwc(splitAtLayer(student, TAP_LAYER).tapShape), hwc(splitAtLayer(o.teacher, TAP_LAYER).tapShape));
    setModelWeights(align, cp.align, 'align module');
    const numClasses = cp.task === 'segmentation' ? SEG_CLASSES : DET_HEAT_CHANNELS;
    const { config } = cp;
    const source = demoSource(o.pools, cp.task, size);
    const remaining = cp.total - cp.step;
    const record = Math.max(1, Math.round(o.recordSteps ?? Math.min(remaining, MAX_RECORDED_STEPS)));
    const branch: TokenWeightsState | undefined = cp.branch ? Object.fromEntries(cp.branch.map((a) => [a.name, { shape: [...a.shape], data: Array.from(a.data) }])) : undefined;
    const files = buildRunBundle({
      task: cp.task,
      numClasses,
      teacher: o.teacher,
      student,
      align,
      tap: { teacher: TAP_LAYER, student: TAP_LAYER },
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
      scenes: { pool: o.pools.train, seed: config.seed, batch: config.batchSize, scene: sceneForSize(size) },
      batches: recordBatches(cp.task, numClasses, (step) => source.trainBatch(config.seed, step, config.batchSize), cp.step, record),
    });
    // The way back to the page (./pageReturn.ts): the digit demos' held-out scenes score it.
    return { ...files, ...pageReturnFiles(cp, { student, align, pools: o.pools }) };
  } finally {
    student.dispose();
    align?.dispose();
  }
}
