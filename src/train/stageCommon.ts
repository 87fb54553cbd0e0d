// Pieces the trainers share: where a step's scenes come from, and the non-finite guard (the
// stages' and the teacher's: one error, one message).
import * as tf from '@tensorflow/tfjs';
import type { Scene } from '../data/scenes';

/** Scenes of step k; the default is `sceneBatch(pool, seed, k, batchSize)` (batch k is fixed). */
export type SceneSource = (step: number) => readonly Scene[];

/** A loss or gradient went NaN/±∞: the step was skipped, nothing was updated. */
export class NonFiniteStepError extends Error {
  constructor(
    readonly lossName: string,
    readonly step: number,
    readonly value: number,
  ) {
    super(
      `the ${lossName} became ${value} at step ${step}; the step was skipped and the run paused. ` +
        'Lower the learning rate and resume.',
    );
  }
}

/** First non-finite named value, in order; null when all are finite. */
export function firstNonFinite(values: readonly (readonly [string, number])[]): readonly [string, number] | null {
  return values.find(([, v]) => !Number.isFinite(v)) ?? null;
}

/**
 * Σ‖g‖² over many gradients as one scalar. Not tf.addN: on the webgpu backend an addN of more
 * inputs than the device's storage-buffer binding limit (≈8) silently returned zeros.
 */
export function squaredNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tensors.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b), tf.scalar(0)) as tf.Scalar);
}
