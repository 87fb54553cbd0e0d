// A teacher forward at a batch, timed: what a distillation step costs more than the student
// alone's, for the comparison's ETA (compareEta.ts). One untimed warm-up, then the median of three.
import * as tf from '@tensorflow/tfjs';

export async function timeTeacherForward(backbone: tf.LayersModel, inputShape: readonly number[], batchSize: number): Promise<number> {
  const x = tf.zeros([batchSize, ...inputShape]);
  const times: number[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const y = backbone.apply(x, { training: false }) as tf.Tensor;
      await y.data();
      y.dispose();
      if (i > 0) times.push(performance.now() - t0);
    }
  } finally {
    x.dispose();
  }
  return times.sort((a, b) => a - b)[1];
}
