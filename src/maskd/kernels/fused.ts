import * as tf from '@tensorflow/tfjs';
import type { GradSaveFunc, Scalar, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { DICE_EPS } from '../ops';
import { DiceFinalizeProgram } from './diceFinalize';
import { DiceGradCoeffsProgram } from './diceGradCoeffs';
import { DiceGradMasksProgram } from './diceGradMasks';
import { DiceGramPartialProgram, DiceGramSumProgram } from './diceGram';
import { DistillFinalizeProgram } from './distillFinalize';
import { DistillGradMasksProgram } from './distillGradMasks';
import { DistillGradStudentProgram } from './distillGradStudent';
import { DistillGradWeightsProgram } from './distillGradWeights';
import { DistillPixelScaleProgram } from './distillPixelScale';
import { DistillRowSqProgram } from './distillRowSq';
import { DistillStatsProgram } from './distillStats';
import { MasksDzProgram } from './masksDz';
import { MasksForwardProgram } from './masksForward';
import { MasksGradFeaturesProgram } from './masksGradFeatures';
import { MasksGradTokensPartialProgram, rowsPerSlice } from './masksGradTokensPartial';
import { runProgram } from './program';
import { TokensPartialSumProgram } from './tokensPartialSum';

// The fused MasKD ops: WGSL programs wired into autodiff with tf.customGrad. They assume the
// webgpu backend, float32 inputs and shapes already validated (./index does both).

type Args = Array<Tensor | GradSaveFunc>;

function splitArgs(args: Args): { tensors: Tensor[]; save: GradSaveFunc } {
  return { tensors: args.slice(0, -1) as Tensor[], save: args[args.length - 1] as GradSaveFunc };
}

/** m = sigmoid(F·tokᵀ) per pixel; grads: dFeatures, dTokens. */
export function receptiveMasksFused(features: Tensor4D, tokens: Tensor2D): Tensor4D {
  const [n, h, w, c] = features.shape;
  const t = tokens.shape[0];
  const rows = n * h * w;
  const op = tf.customGrad((...args: Args) => {
    const { tensors, save } = splitArgs(args);
    const [x, tok] = tensors;
    const m = runProgram(new MasksForwardProgram(rows, c, t), [x, tok]);
    save([x, tok, m]);
    return {
      value: tf.reshape(m, [n, h, w, t]),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, toks, ms] = saved;
        const dz = runProgram(new MasksDzProgram(rows * t), [dy, ms]);
        const dx = runProgram(new MasksGradFeaturesProgram(rows, c, t), [dz, toks]);
        const partial = new MasksGradTokensPartialProgram(rows, c, t, rowsPerSlice(rows));
        const parts = runProgram(partial, [dz, xs]);
        const dtok = runProgram(new TokensPartialSumProgram(partial.slices, t, c), [parts]);
        parts.dispose();
        return [tf.reshape(dx, [n, h, w, c]), dtok];
      },
    };
  });
  return op(features, tokens) as Tensor4D;
}

/** Masked distillation loss (see ops.maskedDistillLoss); grads: student, teacher, masks[, weights]. */
export function maskedDistillLossFused(
  student: Tensor4D,
  teacher: Tensor4D,
  masks: Tensor4D,
  eps: number,
  weights?: Tensor2D,
): Scalar {
  const [n, h, w, c] = teacher.shape;
  const t = masks.shape[3];
  const p = h * w;
  const weighted = weights !== undefined;
  // No weights: mean over n,t,c. Weights: mean over n and c of Σ_t w·L.
  const invNorm = weighted ? 1 / (n * c) : 1 / (n * t * c);
  const op = tf.customGrad((...args: Args) => {
    const { tensors, save } = splitArgs(args);
    const [s, f, m, wt] = tensors;
    const d = runProgram(new DistillRowSqProgram(n * p, c), [s, f]);
    const stats = runProgram(new DistillStatsProgram(n, p, t), [m, d]);
    const loss = runProgram(new DistillFinalizeProgram(n * t, eps, invNorm, weighted), weighted ? [stats, wt] : [stats]);
    save(weighted ? [s, f, m, d, stats, wt] : [s, f, m, d, stats]);
    return {
      value: tf.reshape(loss, []),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [ss, fs, ms, ds, sts, ws] = saved;
        const g = tf.reshape(dy, [1]);
        const extra = weighted ? [ws] : [];
        const dm = runProgram(new DistillGradMasksProgram(n, p, t, eps, invNorm, weighted), [ms, ds, sts, g, ...extra]);
        const q = runProgram(new DistillPixelScaleProgram(n, p, t, eps, invNorm, weighted), [ms, sts, g, ...extra]);
        const dS = runProgram(new DistillGradStudentProgram(n * p, c, 1), [ss, fs, q]);
        const dF = runProgram(new DistillGradStudentProgram(n * p, c, -1), [ss, fs, q]);
        const grads = [tf.reshape(dS, [n, h, w, c]), tf.reshape(dF, [n, h, w, c]), tf.reshape(dm, [n, h, w, t])];
        if (weighted) grads.push(runProgram(new DistillGradWeightsProgram(n, t, eps, invNorm), [sts, g]));
        return grads;
      },
    };
  });
  const inputs = weights ? [student, teacher, masks, weights] : [student, teacher, masks];
  return op(...inputs) as Scalar;
}

/** Dice diversity (see ops.diceDiversity); grad: masks. */
export function diceDiversityFused(masks: Tensor4D): Scalar {
  const [n, h, w, t] = masks.shape;
  const p = h * w;
  const invPairs = 1 / Math.max(n * t * (t - 1), 1);
  const op = tf.customGrad((...args: Args) => {
    const { tensors, save } = splitArgs(args);
    const [m] = tensors;
    const partial = new DiceGramPartialProgram(n, p, t);
    const parts = runProgram(partial, [m]);
    const gram = runProgram(new DiceGramSumProgram(n, partial.slices, t), [parts]);
    const loss = runProgram(new DiceFinalizeProgram(n, t, DICE_EPS, invPairs), [gram]);
    save([m, gram]);
    return {
      value: tf.reshape(loss, []),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [ms, grams] = saved;
        const coeffs = runProgram(new DiceGradCoeffsProgram(n, t, DICE_EPS, invPairs), [grams, tf.reshape(dy, [1])]);
        return [tf.reshape(runProgram(new DiceGradMasksProgram(n, p, t), [ms, coeffs]), [n, h, w, t])];
      },
    };
  });
  return op(masks) as Scalar;
}
