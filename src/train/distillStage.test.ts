import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { createMethod, type MethodName } from '../maskd/methods';
import { ReceptiveTokens } from '../maskd/tokens';
import { buildStudent, buildTeacher, TAP_LAYER } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { Distiller } from './distillStage';
import { reseedKernels } from './seededInit';
import { cosineLr, setLearningRate } from './schedule';
import { TINY_INPUT, tinyScenes } from './stage.testkit';
import { taskAdapter } from './tasks';

beforeAll(async () => {
  await useWasmBackend();
});

function setup(method: MethodName, steps: number, fixed = true) {
  const teacher = buildTeacher('segmentation', { inputShape: TINY_INPUT });
  reseedKernels(teacher, 1);
  const student = buildStudent('segmentation', { inputShape: TINY_INPUT });
  reseedKernels(student, 2);
  const tokens = ReceptiveTokens.create({ numTokens: 4, channels: 64, seed: 3, std: 1 });
  const scenes = tinyScenes(5, 2);
  const distiller = new Distiller({
    teacher: splitAtLayer(teacher, TAP_LAYER),
    student,
    adapter: taskAdapter('segmentation'),
    method: createMethod(method, method === 'maskd' ? { customMask: false } : {}),
    scenes: fixed ? () => scenes : (k) => tinyScenes(300 + (k % 4), 2),
    steps,
    lr: 0.01,
    tokens,
  });
  const dispose = () => {
    distiller.dispose();
    tokens.dispose();
    teacher.dispose();
    student.dispose();
  };
  return { distiller, dispose, teacher };
}

describe('Distiller (stage 2)', () => {
  it('maskd lowers the distillation loss and leaves the teacher and tokens alone', async () => {
    const { distiller, dispose, teacher } = setup('maskd', 12);
    const before = await Promise.all(teacher.weights.map(async (w) => Array.from(await w.read().data())));
    const distill: number[] = [];
    for (let i = 0; i < 12; i++) distill.push((await distiller.trainStep()).losses.distill);
    expect(distill[distill.length - 1]).toBeLessThan(distill[0] * 0.9);
    const after = await Promise.all(teacher.weights.map(async (w) => Array.from(await w.read().data())));
    expect(after).toEqual(before);
    dispose();
  }, 30_000);

  it.each(['none', 'fitnet', 'cwd'] as const)('%s runs and reports finite losses', async (method) => {
    const { distiller, dispose } = setup(method, 3);
    for (let i = 0; i < 3; i++) {
      const r = await distiller.trainStep();
      expect(Number.isFinite(r.losses.total)).toBe(true);
      if (method === 'none') expect(r.losses.distill).toBe(0);
    }
    dispose();
  }, 30_000);

  it("'none' trains the student exactly as the task loss alone, without running the teacher or the align module", async () => {
    const { distiller, dispose } = setup('none', 3);
    const split = (distiller as unknown as { o: { teacher: { backbone: tf.LayersModel } } }).o.teacher;
    let teacherCalls = 0;
    const apply = split.backbone.apply.bind(split.backbone);
    split.backbone.apply = ((...args: Parameters<typeof apply>) => (teacherCalls++, apply(...args))) as typeof apply;
    const alignBefore = await Promise.all(distiller.align.weights.map(async (w) => Array.from(await w.read().data())));
    // The same student, trained by hand on the task loss with the same Adam and schedule.
    const student = buildStudent('segmentation', { inputShape: TINY_INPUT });
    reseedKernels(student, 2);
    const adapter = taskAdapter('segmentation');
    const optimizer = tf.train.adam(0.01);
    const variables = student.trainableWeights.map((w) => w.read() as tf.Variable);
    const scenes = tinyScenes(5, 2);
    for (let i = 0; i < 3; i++) {
      const r = await distiller.trainStep();
      setLearningRate(optimizer, cosineLr(0.01, i, 3));
      const batch = adapter.makeBatch(scenes);
      const { value, grads } = tf.variableGrads(() => batch.loss(student.apply(batch.images, { training: true }) as tf.Tensor), variables);
      expect(r.losses.task).toBe((await value.data())[0]);
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose([value, ...Object.values(grads)]);
      batch.dispose();
    }
    const byHand = await Promise.all(student.weights.map(async (w) => Array.from(await w.read().data())));
    const distilled = await Promise.all(distiller.student.weights.map(async (w) => Array.from(await w.read().data())));
    expect(distilled).toEqual(byHand);
    expect(teacherCalls).toBe(0);
    expect(await Promise.all(distiller.align.weights.map(async (w) => Array.from(await w.read().data())))).toEqual(alignBefore);
    optimizer.dispose();
    student.dispose();
    dispose();
  }, 30_000);

  it('keeps the best student and the tensor count flat over 100 steps', async () => {
    const { distiller, dispose } = setup('maskd', 101, false);
    const val = tinyScenes(9, 4, 'val');
    await distiller.trainStep();
    await distiller.evaluate(val);
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await distiller.trainStep();
    expect(tf.memory().numTensors).toBe(n0);
    await distiller.evaluate(val);
    expect(distiller.bestStep).toBeGreaterThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(n0);
    const best = distiller.bestStudentWeights();
    expect(best?.length).toBe(distiller.student.weights.length);
    tf.dispose(best ?? []);
    dispose();
  }, 60_000);

  it('refuses maskd without tokens', () => {
    const teacher = buildTeacher('segmentation', { inputShape: TINY_INPUT });
    const student = buildStudent('segmentation', { inputShape: TINY_INPUT });
    expect(
      () =>
        new Distiller({
          teacher: splitAtLayer(teacher, TAP_LAYER),
          student,
          adapter: taskAdapter('segmentation'),
          method: createMethod('maskd'),
          scenes: () => tinyScenes(1, 2),
          steps: 1,
          lr: 0.01,
        }),
    ).toThrow(/stage 1/);
    teacher.dispose();
    student.dispose();
  });
});
