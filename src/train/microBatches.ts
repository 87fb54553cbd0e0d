// A step split into micro-batches adds up each one's gradients and loss row (stage 1 and stage 2
// of a large label-free teacher: src/train/maskStage.ts, src/train/distillStage.ts).
import * as tf from '@tensorflow/tfjs';

/**
 * Adds one micro-batch's gradients into `grads` (in place) and its loss row to `kept`, disposing
 * the tensors the sums replace; returns the new row sum. Each part already carries its share of
 * the batch mean.
 */
export function addMicroBatch(grads: tf.NamedTensorMap, kept: tf.Tensor | null, partGrads: tf.NamedTensorMap, partRow: tf.Tensor): tf.Tensor {
  for (const [name, g] of Object.entries(partGrads)) {
    const prev = grads[name];
    grads[name] = prev ? tf.add(prev, g) : g;
    if (prev) tf.dispose([prev, g]);
  }
  if (!kept) return partRow;
  const sum = tf.add(kept, partRow);
  tf.dispose([kept, partRow]);
  return sum;
}
