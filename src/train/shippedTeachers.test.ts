// The shipped demo teachers (public/models/<task>-teacher/) are worth distilling: on test scenes
// nobody has scored them on before (a seed that is not in their meta.json), their metric is at
// least the target of issue 13 — segmentation mIoU ≥ 0.70, detection AP@0.5 ≥ 0.60.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs';
import { useWasmBackend } from '../backends/wasm/node';
import { loadDigitsNode } from '../data/digitsNode';
import type { Task } from '../models/nets';
import { loadShippedTeacher, readTeacherMeta } from './shippedTeacherNode';
import { evaluateOnDigits } from './teacherEval';

const TARGET: Readonly<Record<Task, number>> = { segmentation: 0.7, detection: 0.6 };
/** Fresh test scenes: a stream of the test digits that no meta.json records. */
const FRESH_SEED = 31337;
const FRESH_COUNT = 96;

const pools = loadDigitsNode();
const models: tf.LayersModel[] = [];
beforeAll(async () => {
  await useWasmBackend();
});
afterAll(() => models.forEach((m) => m.dispose()));

describe('shipped teachers', () => {
  it.each(['segmentation', 'detection'] as const)('%s: reaches its target on fresh test scenes', async (task) => {
    const meta = readTeacherMeta(task);
    expect(JSON.stringify(meta)).not.toContain(`"seed": ${FRESH_SEED}`);
    expect(JSON.stringify(meta)).not.toContain(`Seed": ${FRESH_SEED}`);
    const model = await loadShippedTeacher(task);
    models.push(model);
    const m = await evaluateOnDigits(model, task, pools, 'test', FRESH_COUNT, FRESH_SEED);
    expect(m.primary).toBeGreaterThanOrEqual(TARGET[task]);
  });
});
