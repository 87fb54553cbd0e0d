// The step the calibration times: one MasKD distillation step of the demo's nets at the page's
// batch, on whatever backend is active. The weights and scenes are random — the cost of a step
// does not depend on them — so it needs no download and no data.
import type { Scene } from '../data/scenes';
import { createMethod, MASKD_PRESETS } from '../maskd/methods';
import { ReceptiveTokens } from '../maskd/tokens';
import { disposeModel } from '../models/disposeModel';
import { buildStudent, buildTeacher, TAP_LAYER, type Task } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { Distiller } from './distillStage';
import { taskAdapter } from './tasks';
import { Rng } from '../data/rng';

export interface StepTimingRequest {
  readonly task: Task;
  readonly batchSize: number;
  /** Timed steps after the untimed warm-up step (shader compilation, first allocations). */
  readonly steps: number;
  /** Square input side (default 64, the demos'). */
  readonly size?: number;
}

/** Noise images with one labelled square each: the shapes of the demo's batches, no digits needed. */
export function randomScenes(count: number, size: number, seed: number): Scene[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const image = new Float32Array(size * size * 3).map(() => rng.uniform());
    const labels = new Uint8Array(size * size);
    const side = Math.max(2, Math.floor(size / 4));
    const x0 = Math.floor(rng.uniform() * (size - side));
    const y0 = Math.floor(rng.uniform() * (size - side));
    const cls = Math.floor(rng.uniform() * 10);
    for (let y = y0; y < y0 + side; y++) labels.fill(cls + 1, y * size + x0, y * size + x0 + side);
    return { height: size, width: size, image, labels, boxes: [{ x0, y0, x1: x0 + side, y1: y0 + side, cls }], digits: [] };
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median ms of `steps` MasKD steps after one warm-up step; `onStep` hears each step's ms. */
export async function timeDistillSteps(req: StepTimingRequest, onStep?: (ms: number, index: number) => void): Promise<{ msPerStep: number; stepsMs: number[] }> {
  const size = req.size ?? 64;
  const inputShape = [size, size, 3] as const;
  const teacher = buildTeacher(req.task, { inputShape });
  const student = buildStudent(req.task, { inputShape });
  const split = splitAtLayer(teacher, TAP_LAYER);
  const tokens = ReceptiveTokens.create({ numTokens: req.task === 'segmentation' ? 8 : 6, channels: split.tapShape[2], seed: 1 });
  const scenes = randomScenes(req.batchSize, size, 7);
  const distiller = new Distiller({
    teacher: split,
    student,
    adapter: taskAdapter(req.task),
    method: createMethod('maskd', MASKD_PRESETS[req.task]),
    scenes: () => scenes,
    steps: req.steps + 1,
    lr: 0.002,
    tokens,
  });
  const stepsMs: number[] = [];
  try {
    for (let i = 0; i <= req.steps; i++) {
      const t0 = performance.now();
      await distiller.trainStep();
      const ms = performance.now() - t0;
      onStep?.(ms, i);
      if (i > 0) stepsMs.push(ms);
    }
  } finally {
    distiller.dispose();
    tokens.dispose();
    disposeModel(teacher);
    disposeModel(student);
  }
  return { msPerStep: median(stepsMs), stepsMs };
}

