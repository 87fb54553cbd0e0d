// One step's gradients, over the whole batch or in micro-batches that add up to it (stage 1 and
// stage 2 of a large label-free teacher: src/train/maskStage.ts, src/train/distillStage.ts).
import * as tf from '@tensorflow/tfjs';
import { squaredNorm } from './stageCommon';

/** What one part of the batch contributes: its total loss and its stats row, both means over its images. */
export interface PartLoss {
  readonly total: tf.Scalar;
  readonly row: tf.Tensor;
}

/**
 * Adds one micro-batch's gradients into `grads` (in place) and its loss row to `kept`, disposing
 * the tensors the sums replace; returns the new row sum. Each part already carries its share of
 * the batch mean.
 */
function addMicroBatch(grads: tf.NamedTensorMap, kept: tf.Tensor | null, partGrads: tf.NamedTensorMap, partRow: tf.Tensor): tf.Tensor {
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

/**
 * The gradients of `variables` over a batch of n images, and one stats row: the batch's row
 * followed by the gradients' squared norm (read together, in one download). With m < n the batch
 * runs in parts of m images under the tape (`lossOf(from, count)`), each weighted by its share
 * of the batch, so the sums are the whole batch's means; `onWork` hears each finished part. The
 * caller owns what is returned; on an error nothing is left behind.
 */
export function batchGradients(
  n: number,
  m: number,
  variables: tf.Variable[],
  lossOf: (from: number, count: number) => PartLoss,
  onWork?: (done: number, total: number) => void,
): { grads: tf.NamedTensorMap; stats: tf.Tensor } {
  let grads: tf.NamedTensorMap = {};
  let kept: tf.Tensor | null = null;
  try {
    for (let from = 0; from < n; from += m) {
      const count = Math.min(m, n - from);
      const share = count / n;
      const part: tf.Tensor[] = [];
      const result = tf.variableGrads(() => {
        const { total, row } = lossOf(from, count);
        part.push(tf.keep(count === n ? row : tf.mul(row, share)));
        return count === n ? total : (tf.mul(total, share) as tf.Scalar);
      }, variables);
      tf.dispose(result.value);
      if (count === n) {
        grads = result.grads;
        kept = part[0];
      } else {
        kept = addMicroBatch(grads, kept, result.grads, part[0]);
        onWork?.(from + count, n);
      }
    }
    const row = kept as tf.Tensor;
    const stats = tf.tidy(() => tf.concat([row, tf.reshape(squaredNorm(Object.values(grads)), [1])]));
    return { grads, stats };
  } catch (err) {
    tf.dispose(Object.values(grads));
    throw err;
  } finally {
    kept?.dispose();
  }
}
