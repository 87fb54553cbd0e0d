import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { diceDiversityFused, maskedDistillLossFused, receptiveMasksFused } from './kernels/fused';
import * as ops from './ops';
import type { MaskedDistillOptions } from './types';
import { assertEps, assertMasks, assertMasksFor, assertSameFeatures, assertTokensFor, assertWeights } from './validate';

// The public entry of the MasKD math: the same four ops as ./ops, routed to the fused WGSL
// kernels (./kernels) when the active backend is webgpu and the switch allows it, and to the
// composed ops everywhere else. Shapes are validated here first, with the validators ./ops
// uses, so both paths throw the same messages.
// (./methods is not re-exported: it imports this module as its default ops.)

export { DEFAULT_DISTILL_EPS, DICE_EPS, maskedDistillLossNaive, stopGradient } from './ops';
export * from './types';
export * from './validate';
export * from './tokens';
export * from './tokenWeights';

let fusedEnabled = true;

/** Turns the fused kernels on or off (off: the composed ops on every backend, for comparison). */
export function setFusedKernels(enabled: boolean): void {
  fusedEnabled = enabled;
}

/** True when a call with these tensors would run the fused kernels. */
export function usesFusedKernels(...tensors: Tensor[]): boolean {
  return fusedEnabled && tf.getBackend() === 'webgpu' && tensors.every((t) => t.dtype === 'float32');
}

export function receptiveMasks(features: Tensor4D, tokens: Tensor2D): Tensor4D {
  assertTokensFor(features, tokens);
  return usesFusedKernels(features, tokens) ? receptiveMasksFused(features, tokens) : ops.receptiveMasks(features, tokens);
}

/** Stays composed: it is one broadcast multiply after a sum over T, already memory-bound. */
export function maskedAggregate(features: Tensor4D, masks: Tensor4D, weights?: Tensor2D): Tensor4D {
  return ops.maskedAggregate(features, masks, weights);
}

export function diceDiversity(masks: Tensor4D): Scalar {
  assertMasks(masks);
  return usesFusedKernels(masks) ? diceDiversityFused(masks) : ops.diceDiversity(masks);
}

export function maskedDistillLoss(
  student: Tensor4D,
  teacher: Tensor4D,
  masks: Tensor4D,
  options: MaskedDistillOptions = {},
): Scalar {
  assertSameFeatures('student', student, 'teacher', teacher);
  const t = assertMasksFor(teacher, masks, 'teacher');
  const { weights, eps } = options;
  if (weights) assertWeights(weights, teacher.shape[0], t);
  if (eps !== undefined) assertEps(eps);
  const tensors = weights ? [student, teacher, masks, weights] : [student, teacher, masks];
  if (!usesFusedKernels(...tensors)) return ops.maskedDistillLoss(student, teacher, masks, options);
  return maskedDistillLossFused(student, teacher, masks, eps ?? ops.DEFAULT_DISTILL_EPS, weights);
}
