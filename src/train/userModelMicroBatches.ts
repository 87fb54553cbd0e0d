// How many images a training step of a user's model takes at once: micro-batches sized from what
// one image keeps for backprop, so a large teacher fits the memory a step may use.
import { headBytes, type LoadedGraph } from '../byo/graphTeacher';
import { mimicWorkSide, type MimicOutput } from '../models/mimicStudent';

/** Images per stage-1 micro-batch for a graph teacher: a step keeps the head's activations of that many images (≈ 3× forward). */
export const MICRO_BATCH_BYTES = 192 * 2 ** 20;

export function graphMicroBatch(loaded: LoadedGraph, tap: string): number | undefined {
  const perImage = 3 * headBytes(loaded, tap);
  return perImage > 0 ? Math.max(1, Math.floor(MICRO_BATCH_BYTES / perImage)) : undefined;
}

/** What a stage-2 step of a label-free teacher may keep for backprop, all micro-batches' images together. */
export const DISTILL_BATCH_BYTES = 384 * 2 ** 20;

/**
 * Images per stage-2 micro-batch for a label-free teacher, from what one image keeps: the built-in
 * student at its working side (≈ 2 000 bytes per pixel: 509 MB at 512×512, measured), the tap
 * feature through the align module and the distillation term (≈ 12 copies), and the outputs
 * through the objective (≈ 20 copies).
 */
export function distillMicroBatch(size: number, tapShape: readonly number[], mimic: readonly MimicOutput[]): number {
  const work = mimicWorkSide(size);
  const tap = 4 * tapShape.reduce((a, d) => a * d, 1);
  const outputs = mimic.reduce((a, o) => a + 4 * o.shape.reduce((x, d) => x * d, 1), 0);
  const perImage = 2000 * work * work + 12 * tap + 20 * outputs;
  return Math.max(1, Math.floor(DISTILL_BATCH_BYTES / perImage));
}
