// The metric of a digit-demo net on the seeded scenes of one split, outside any run: what
// scripts/train-teachers.ts records in meta.json (validation and test) and what the shipped-teacher
// test checks on fresh test scenes.
import type * as tf from '@tensorflow/tfjs';
import type { DigitPools } from '../data/digits';
import type { Task } from '../models/nets';
import { digitSource } from './dataSource';
import { taskAdapter, type TaskMetrics } from './tasks';

/** The held-out splits: `val` picks schedules and checkpoints, `test` gives the reported numbers. */
export type HeldOutSplit = 'val' | 'test';

/** `count` scenes of the stream `seed` drawn from the `split` digits, scored with the task's metric. */
export function evaluateOnDigits(
  model: tf.LayersModel,
  task: Task,
  pools: DigitPools,
  split: HeldOutSplit,
  count: number,
  seed: number,
  batchSize = 16,
): Promise<TaskMetrics> {
  const source = digitSource(pools, task, {}, 64, { valSeed: seed, testSeed: seed, previewSeed: seed, previewCount: 0 });
  const scenes = split === 'val' ? source.valSet(count, seed) : source.testSet(count, seed);
  return taskAdapter(task).evaluate((x) => model.predict(x) as tf.Tensor4D, scenes, batchSize);
}
