import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import { assertSameFeatures } from './validate';

// Baseline feature-distillation losses the methods compare MasKD against. Inputs are the aligned
// student feature and the teacher feature, both [N,H,W,C].

/** FitNet: mean squared error over every element. */
export function fitnetLoss(student: Tensor4D, teacher: Tensor4D): Scalar {
  assertSameFeatures('student', student, 'teacher', teacher);
  return tf.tidy(() => tf.mean(tf.squaredDifference(student, teacher)));
}

/**
 * Channel-wise distillation (Shu et al., ICCV 2021): for each image and channel, softmax over the
 * H·W positions at temperature tau, KL(teacher‖student) summed over positions, times tau²,
 * summed over channels and images and divided by N·C (the paper's normalisation).
 */
export function cwdLoss(student: Tensor4D, teacher: Tensor4D, tau: number): Scalar {
  assertSameFeatures('student', student, 'teacher', teacher);
  if (!Number.isFinite(tau) || tau <= 0) throw new Error(`cwd: temperature tau must be > 0, got ${tau}`);
  const [n, h, w, c] = teacher.shape;
  return tf.tidy(() => {
    // log-softmax over the pixel axis (axis 1 of [N,P,C]); tf.logSoftmax only takes the last axis.
    const logSoftmaxOverPixels = (x: Tensor4D): Tensor3D => {
      const z = tf.div(tf.reshape(x, [n, h * w, c]), tau) as Tensor3D;
      return tf.sub(z, tf.logSumExp(z, 1, true));
    };
    const logPt = logSoftmaxOverPixels(teacher);
    const logPs = logSoftmaxOverPixels(student);
    const kl = tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)));
    return tf.mul(kl, (tau * tau) / (n * c));
  });
}
