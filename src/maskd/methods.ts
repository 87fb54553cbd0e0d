import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
// The dispatching entry (./index, fused kernels on webgpu) has the same MaskdOps shape; pointing
// the default at it is this one import.
import * as defaultOps from './index';
import { stopGradient } from './ops';
import { cwdLoss, fitnetLoss } from './methods.losses';
import type { MaskdOps } from './types';
import { assertSameFeatures } from './validate';
import { customMaskActive, customMaskStart, resolveParams, type MaskdParams, type MethodName, type MethodParamsMap } from './methodInfo';

// The methods' metadata (names, defaults, ParamSpecs, checks) lives in the tensor-free
// ./methodInfo, which the page imports; this module adds the losses and re-exports it.
export * from './methodInfo';

/** What the trainer hands a method each step. */
export interface DistillInputs {
  /** Student feature after the align module, [N,H,W,C] with the teacher's shape. */
  student: Tensor4D;
  /** Teacher feature [N,H,W,C] (no gradient needed). */
  teacher: Tensor4D;
  /** Teacher masks [N,H,W,T]; maskd computes them from `tokens` when absent. */
  masks?: Tensor4D;
  /** Token weights [N,T] from the token-weight branch, when it is on. */
  weights?: Tensor2D;
  /** Frozen receptive tokens [T,C]; maskd needs them for masks or the custom mask. */
  tokens?: Tensor2D;
  /** 0-based stage-2 step, for warm-ups. */
  step: number;
  /** Steps of the whole run (the custom-mask warm-up is a share of it); without it the custom mask stays off. */
  totalSteps?: number;
}

export interface DistillMethod<K extends MethodName = MethodName> {
  readonly name: K;
  readonly params: Readonly<MethodParamsMap[K]>;
  /** λ-weighted distillation term, to add to the task loss. */
  loss(inputs: DistillInputs): Scalar;
}

function maskdLoss(p: Readonly<MaskdParams>, ops: MaskdOps, inputs: DistillInputs): Scalar {
  const { student, teacher, masks, weights, tokens, step } = inputs;
  const custom = inputs.totalSteps !== undefined && customMaskActive(p, step, inputs.totalSteps);
  if (!masks && !tokens) throw new Error('maskd needs the teacher masks or the receptive tokens; run mask learning (stage 1) or load tokens first');
  if (custom && !tokens) throw new Error(`maskd: the custom mask (from step ${customMaskStart(p, inputs.totalSteps ?? 0)}) needs the receptive tokens`);
  assertSameFeatures('student', student, 'teacher', teacher);
  return tf.tidy(() => {
    let m = masks ?? ops.receptiveMasks(teacher, tokens as Tensor2D);
    if (custom) m = tf.mul(m, stopGradient(ops.receptiveMasks(student, tokens as Tensor2D)));
    const distill = ops.maskedDistillLoss(student, teacher, m, { weights, eps: p.eps });
    return tf.mul(distill, p.lossWeight * p.factor);
  });
}

type LossFactory<K extends MethodName> = (
  params: Readonly<MethodParamsMap[K]>,
  ops: MaskdOps,
) => (inputs: DistillInputs) => Scalar;

const LOSS_FACTORIES: { [K in MethodName]: LossFactory<K> } = {
  none: () => () => tf.scalar(0),
  fitnet: (p) => (inputs) => tf.tidy(() => tf.mul(fitnetLoss(inputs.student, inputs.teacher), p.lossWeight)),
  cwd: (p) => (inputs) => tf.tidy(() => tf.mul(cwdLoss(inputs.student, inputs.teacher, p.tau), p.lossWeight)),
  maskd: (p, ops) => (inputs) => maskdLoss(p, ops, inputs),
};

/**
 * A method ready for the training loop. `ops` carries the MasKD math (default: the module's
 * default ops) so the fused-kernel dispatch can be swapped in or compared.
 */
export function createMethod<K extends MethodName>(
  name: K,
  overrides: Partial<MethodParamsMap[K]> = {},
  ops: MaskdOps = defaultOps,
): DistillMethod<K> {
  const params = Object.freeze(resolveParams(name, overrides));
  const factory: LossFactory<K> = LOSS_FACTORIES[name];
  return { name, params, loss: factory(params, ops) };
}
