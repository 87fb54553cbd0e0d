// Timed training steps for the training-step benchmark (scripts/bench-train.mjs): the same code
// runs in the browser harness (e2e/harness/train.ts, on webgpu / webgl / wasm) and in Node
// (scripts/bench-train-node.ts, on wasm). Random-init nets (the time of a step does not depend
// on the weights), digit scenes at 64×64, the page's default settings.
import * as tf from '@tensorflow/tfjs';
import type { DigitPools } from '../../src/data/digits';
import { createMethod, type MethodName } from '../../src/maskd/methods';
import { ReceptiveTokens } from '../../src/maskd/tokens';
import { disposeModel } from '../../src/models/disposeModel';
import { buildStudent, buildTeacher, TAP_LAYER } from '../../src/models/nets';
import { splitAtLayer } from '../../src/models/split';
import { defaultDistillSettings, defaultMaskSettings } from '../../src/state/setupSlice';
import { digitSource, type DataSource } from '../../src/train/dataSource';
import { Distiller } from '../../src/train/distillStage';
import { MaskLearner } from '../../src/train/maskStage';
import { SupervisedTrainer } from '../../src/train/supervisedTrainer';
import { taskAdapter } from '../../src/train/tasks';

export const BENCH_ROWS = ['teacher', 'stage1', 'none', 'fitnet', 'cwd', 'maskd'] as const;
export type BenchRow = (typeof BENCH_ROWS)[number];

export function isBenchRow(value: unknown): value is BenchRow {
  return typeof value === 'string' && (BENCH_ROWS as readonly string[]).includes(value);
}

const TASK = 'segmentation';
const SIZE = 64;
const SEED = 1;
/** The teacher's batch (the page trains teachers at 8 too). */
const TEACHER_BATCH = 8;
const TEACHER_LR = 0.005;

/** What every row runs with: the page's defaults for the segmentation demo. */
export function benchSettings() {
  const mask = defaultMaskSettings(TASK);
  const distill = defaultDistillSettings(TASK);
  return {
    task: TASK,
    inputSize: SIZE,
    teacher: { batchSize: TEACHER_BATCH, lr: TEACHER_LR },
    stage1: { numTokens: mask.numTokens, batchSize: mask.batchSize, lr: mask.lr, diceWeight: mask.diceWeight, tokenWeights: mask.tokenWeights },
    stage2: { batchSize: distill.batchSize, lr: distill.lr, params: distill.params },
  };
}

export interface RowResult {
  readonly row: BenchRow;
  readonly backend: string;
  /** The untimed first step (kernel / shader / pipeline compilation is in it). */
  readonly warmupMs: number;
  readonly samplesMs: number[];
  readonly medianMs: number;
  /** tf.memory().numTensors after the warm-up and after each timed step. */
  readonly numTensors: number[];
  readonly tensorsFlat: boolean;
  /** numTensors after disposing everything minus before building anything (0: nothing left behind). */
  readonly leftAfterDispose: number;
  /** The last step's loss (total), a sanity check that the step computed something finite. */
  readonly lastLoss: number;
  /** With `profile`: one more step under tf.profile, the kernels that took longest. */
  readonly profile?: StepProfile;
}

export interface KernelTotal {
  readonly name: string;
  readonly calls: number;
  readonly ms: number;
}

export interface StepProfile {
  /** Wall time of the profiled step (per-kernel timing slows it down, on GPUs a lot). */
  readonly wallMs: number;
  /** Sum of the kernels' own times; null when the backend has no kernel timers. */
  readonly kernelMs: number | null;
  readonly kernelCalls: number;
  /** Kernels by total time, longest first (at most 8). */
  readonly top: readonly KernelTotal[];
  /** The longest single kernel calls, with their shapes (at most 5). */
  readonly longestCalls: readonly { readonly name: string; readonly ms: number; readonly inputShapes: readonly (readonly number[])[]; readonly outputShapes: readonly (readonly number[])[] }[];
  /** Why there are no kernel times (e.g. no WebGL timer queries), when there are none. */
  readonly error?: string;
}

/** A configuration ready to step: `step` returns the loss, `fence` waits for the device. */
interface Prepared {
  step(): Promise<number>;
  /** Reads a variable the step's optimiser update wrote last, so queued GPU work is inside the timing. */
  fence(): Promise<unknown>;
  dispose(): void;
}

function source(pools: DigitPools): DataSource {
  return digitSource(pools, TASK, {}, SIZE, { valSeed: 20230501, previewSeed: 4242, previewCount: 0 });
}

function lastVariable(weights: readonly tf.LayerVariable[]): tf.Variable {
  return weights[weights.length - 1].read() as tf.Variable;
}

function prepare(row: BenchRow, pools: DigitPools, totalSteps: number): Prepared {
  const s = benchSettings();
  const src = source(pools);
  const adapter = taskAdapter(TASK);
  if (row === 'teacher') {
    const model = buildTeacher(TASK);
    const trainer = new SupervisedTrainer(model, adapter, src, { steps: totalSteps, batchSize: s.teacher.batchSize, lr: s.teacher.lr, seed: SEED });
    const last = lastVariable(model.trainableWeights);
    return {
      step: async () => (await trainer.trainStep()).losses.total,
      fence: () => last.data(),
      dispose: () => {
        trainer.dispose();
        disposeModel(model);
      },
    };
  }
  const teacher = buildTeacher(TASK);
  const teacherSplit = splitAtLayer(teacher, TAP_LAYER);
  const scenes = (batchSize: number) => (k: number) => src.trainBatch(SEED, k, batchSize);
  if (row === 'stage1') {
    const learner = new MaskLearner({
      teacher: teacherSplit,
      adapter,
      scenes: scenes(s.stage1.batchSize),
      config: { ...s.stage1, steps: totalSteps, seed: SEED },
    });
    const last = learner.variables[learner.variables.length - 1];
    return {
      step: async () => (await learner.trainStep()).losses.total,
      fence: () => last.data(),
      dispose: () => {
        learner.dispose();
        learner.tokens.dispose();
        learner.branch?.dispose();
        disposeModel(teacher);
      },
    };
  }
  const method: MethodName = row;
  const channels = teacherSplit.tapShape[2];
  const tokens = method === 'maskd' ? ReceptiveTokens.create({ numTokens: s.stage1.numTokens, channels, seed: SEED }) : null;
  const student = buildStudent(TASK);
  const distiller = new Distiller({
    teacher: teacherSplit,
    student,
    adapter,
    method: createMethod(method, s.stage2.params[method]),
    scenes: scenes(s.stage2.batchSize),
    steps: totalSteps,
    lr: s.stage2.lr,
    tokens,
    branch: null,
  });
  const last = lastVariable(distiller.align.trainableWeights);
  return {
    step: async () => (await distiller.trainStep()).losses.total,
    fence: () => last.data(),
    dispose: () => {
      distiller.dispose();
      disposeModel(student);
      tokens?.dispose();
      disposeModel(teacher);
    },
  };
}

/** One step under tf.profile: per-kernel times summed by kernel name. */
async function profileStep(prepared: Prepared): Promise<StepProfile> {
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await prepared.step();
    await prepared.fence();
    return [];
  });
  const wallMs = performance.now() - t0;
  const totals = new Map<string, { calls: number; ms: number }>();
  let error: string | undefined;
  // tf.profile has resolved every kernel's time by now: a number, or why there is none.
  const times = info.kernels.map((k) => k.kernelTimeMs as number | { error: string });
  info.kernels.forEach((k, i) => {
    const t = totals.get(k.name) ?? { calls: 0, ms: 0 };
    const time = times[i];
    t.calls++;
    if (typeof time === 'number') t.ms += time;
    else error ??= time.error;
    totals.set(k.name, t);
  });
  const top = [...totals.entries()]
    .map(([name, t]) => ({ name, calls: t.calls, ms: t.ms }))
    .sort((a, b) => b.ms - a.ms || b.calls - a.calls)
    .slice(0, 8);
  const timed = times.filter((t): t is number => typeof t === 'number');
  const kernelMs = timed.length ? timed.reduce((a, t) => a + t, 0) : null;
  const longestCalls = info.kernels
    .map((k, i) => ({ name: k.name, ms: times[i], inputShapes: k.inputShapes, outputShapes: k.outputShapes }))
    .filter((c): c is typeof c & { ms: number } => typeof c.ms === 'number')
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  return { wallMs, kernelMs, kernelCalls: info.kernels.length, top, longestCalls, ...(error ? { error } : {}) };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * One configuration on the active backend: builds it, one untimed warm-up step, `steps` timed
 * steps (each = trainStep + a read of a variable its update wrote, so the optimiser's queued GPU
 * work is inside the step), optionally one profiled step after them, then disposes everything.
 * `log` gets a line per step.
 */
export async function benchRow(
  row: BenchRow,
  pools: DigitPools,
  steps: number,
  log: (line: string) => void = () => {},
  options: { profile?: boolean } = {},
): Promise<RowResult> {
  if (!isBenchRow(row)) throw new Error(`unknown row "${String(row)}"; expected one of ${BENCH_ROWS.join(', ')}`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
  const backend = tf.getBackend();
  const before = tf.memory().numTensors;
  const prepared = prepare(row, pools, steps + (options.profile ? 2 : 1));
  const samplesMs: number[] = [];
  const numTensors: number[] = [];
  let warmupMs = NaN;
  let lastLoss = NaN;
  let profile: StepProfile | undefined;
  try {
    for (let i = 0; i <= steps; i++) {
      const t0 = performance.now();
      lastLoss = await prepared.step();
      await prepared.fence();
      const ms = performance.now() - t0;
      if (i === 0) warmupMs = ms;
      else samplesMs.push(ms);
      numTensors.push(tf.memory().numTensors);
      log(`${row} on ${backend}: ${i === 0 ? 'warm-up' : `step ${i}/${steps}`} ${ms.toFixed(0)} ms, loss ${lastLoss.toFixed(4)}, ${numTensors[numTensors.length - 1]} tensors`);
    }
    if (options.profile) {
      profile = await profileStep(prepared);
      log(`${row} on ${backend}: profiled step ${profile.wallMs.toFixed(0)} ms, top ${profile.top.slice(0, 3).map((k) => `${k.name} ${k.ms.toFixed(0)} ms`).join(', ')}`);
    }
  } finally {
    prepared.dispose();
  }
  return {
    row,
    backend,
    warmupMs,
    samplesMs,
    medianMs: median(samplesMs),
    numTensors,
    tensorsFlat: numTensors.every((n) => n === numTensors[0]),
    leftAfterDispose: tf.memory().numTensors - before,
    lastLoss,
    ...(profile ? { profile } : {}),
  };
}
