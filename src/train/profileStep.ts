import * as tf from '@tensorflow/tfjs';
import { sceneBatch } from '../data/batches';
import type { DigitPool } from '../data/digits';
import { buildTeacher, type Task } from '../models/nets';
import type { StepProfile } from './protocol';
import { taskAdapter } from './tasks';

/** Profiles one forward+backward step of a fresh teacher (after a warm-up step). */
export async function profileTeacherStep(pool: DigitPool, task: Task, batchSize: number): Promise<StepProfile> {
  const model = buildTeacher(task);
  const adapter = taskAdapter(task);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const batch = adapter.makeBatch(sceneBatch(pool, 1, 0, batchSize));
  const run = () => {
    const { value, grads } = tf.variableGrads(() => batch.loss(model.apply(batch.images, { training: true }) as tf.Tensor4D), vars);
    return [value, ...Object.values(grads)];
  };
  try {
    const warm = run();
    await warm[0].data();
    tf.dispose(warm);
    const t0 = performance.now();
    let outs: tf.Tensor[] = [];
    const info = await tf.profile(() => {
      outs = run();
      return outs;
    });
    await outs[0].data();
    const wallMs = performance.now() - t0;
    tf.dispose(outs);
    const byName = new Map<string, { ms: number; count: number }>();
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : (((await k.kernelTimeMs) as number) ?? 0);
      const e = byName.get(k.name) ?? { ms: 0, count: 0 };
      e.ms += Number(ms) || 0;
      e.count++;
      byName.set(k.name, e);
    }
    const kernels = [...byName].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);
    return { wallMs, kernels };
  } finally {
    batch.dispose();
    model.dispose();
  }
}
