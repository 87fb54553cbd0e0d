import * as tf from '@tensorflow/tfjs';
import { REFERENCE_PARAM_NAMES, type TokenWeightsState } from './tokenLayout';
import type { SerializedTensor } from './types';
import { assertRank4 } from './validate';

// The state's type and the kernel layout conversions live in the tensor-free ./tokenLayout (the
// page's token export and import use them); re-exported here for the engine's side.
export { hwioToOihw, oihwToHwio, type TokenWeightsState } from './tokenLayout';

// The optional token-weight branch of the reference MaskModule:
// conv3×3 C→C (same padding, bias) → global average pool → conv1×1 C→T (bias) → softmax over T.
// Written with tf.variable (not tf.layers) so its state is four plain named tensors.
// Kernels are stored HWIO (tfjs); `hwioToOihw` gives PyTorch's OIHW for export.

export interface TokenWeightsInit {
  channels: number;
  numTokens: number;
  seed: number;
}

/** Parameter names, equal to the reference's so a state dict maps one to one (layout aside). */
export const TOKEN_WEIGHT_PARAMS = {
  conv3x3Kernel: REFERENCE_PARAM_NAMES.conv3x3Weight,
  conv3x3Bias: REFERENCE_PARAM_NAMES.conv3x3Bias,
  conv1x1Kernel: REFERENCE_PARAM_NAMES.conv1x1Weight,
  conv1x1Bias: REFERENCE_PARAM_NAMES.conv1x1Bias,
} as const;

type ParamKey = keyof typeof TOKEN_WEIGHT_PARAMS;

function expectedShapes(c: number, t: number): Record<ParamKey, number[]> {
  return { conv3x3Kernel: [3, 3, c, c], conv3x3Bias: [c], conv1x1Kernel: [1, 1, c, t], conv1x1Bias: [t] };
}

const KEYS: readonly ParamKey[] = ['conv3x3Kernel', 'conv3x3Bias', 'conv1x1Kernel', 'conv1x1Bias'];

/**
 * The 1×1 (logit) kernel's init is the reference's times this. With the reference's own init the
 * logits on the detection teacher's feature start far apart (effective tokens 2.54 of 6 before the
 * first step), and Adam, whose every step moves each of the branch's ~41k parameters by about the
 * learning rate, takes them to one-hot within two steps, where the softmax has no gradient left
 * (docs/experiments.md, "The token-weight branch").
 */
export const LOGIT_INIT_SCALE = 0.01;

/**
 * Per image [N]: how far the token weights w [N,T] are from equal, log T − H(w_n) (natural log):
 * 0 for equal weights, log T for one-hot ones. Stage 1 adds it (times the config's
 * `weightEntropy`) so that no token takes all the weight.
 */
export function oneHotPenalty(weights: tf.Tensor2D): tf.Tensor1D {
  const t = weights.shape[1];
  return tf.tidy(() => {
    const entropy = tf.neg(tf.sum(tf.mul(weights, tf.log(tf.maximum(weights, 1e-30))), 1));
    return tf.sub(Math.log(t), entropy) as tf.Tensor1D;
  });
}

let instanceCounter = 0;

export class TokenWeightBranch {
  readonly channels: number;
  readonly numTokens: number;
  private readonly vars: Record<ParamKey, tf.Variable>;

  private constructor(channels: number, numTokens: number, initial: Record<ParamKey, tf.Tensor>) {
    this.channels = channels;
    this.numTokens = numTokens;
    instanceCounter += 1;
    // tfjs variable names are global and must be unique; the suffix keeps instances apart.
    const id = instanceCounter;
    this.vars = Object.fromEntries(
      KEYS.map((k) => [k, tf.variable(initial[k], true, `token_weights__${id}__${TOKEN_WEIGHT_PARAMS[k]}`)]),
    ) as Record<ParamKey, tf.Variable>;
  }

  /**
   * The reference's init (conv kernels normal(0, sqrt(2 / (k·k·out))), fan-out; biases zero), but the
   * 1×1 kernel, which gives the logits, times {@link LOGIT_INIT_SCALE}: the weights start equal.
   */
  static create({ channels, numTokens, seed }: TokenWeightsInit): TokenWeightBranch {
    for (const [what, v] of [['channels (C)', channels], ['numTokens (T)', numTokens]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`token weights: ${what} must be an integer ≥ 1, got ${v}`);
    }
    const initial: Record<ParamKey, tf.Tensor> = {
      conv3x3Kernel: tf.randomNormal([3, 3, channels, channels], 0, Math.sqrt(2 / (9 * channels)), 'float32', seed),
      conv3x3Bias: tf.zeros([channels]),
      conv1x1Kernel: tf.randomNormal([1, 1, channels, numTokens], 0, LOGIT_INIT_SCALE * Math.sqrt(2 / numTokens), 'float32', seed + 1),
      conv1x1Bias: tf.zeros([numTokens]),
    };
    const branch = new TokenWeightBranch(channels, numTokens, initial);
    tf.dispose(Object.values(initial));
    return branch;
  }

  /** Rebuilds the branch from `serialize()` output (HWIO kernels), validating every tensor. */
  static deserialize(state: TokenWeightsState): TokenWeightBranch {
    const kernel = state[TOKEN_WEIGHT_PARAMS.conv1x1Kernel];
    if (!kernel || !Array.isArray(kernel.shape) || kernel.shape.length !== 4) {
      throw new Error(`token weights: missing or malformed "${TOKEN_WEIGHT_PARAMS.conv1x1Kernel}" (expected HWIO [1,1,C,T])`);
    }
    const [, , channels, numTokens] = kernel.shape;
    const shapes = expectedShapes(channels, numTokens);
    const initial = {} as Record<ParamKey, tf.Tensor>;
    try {
      for (const k of KEYS) {
        const name = TOKEN_WEIGHT_PARAMS[k];
        const entry = state[name];
        const want = shapes[k];
        if (!entry || JSON.stringify(entry.shape) !== JSON.stringify(want)) {
          throw new Error(`token weights: "${name}" must have shape [${want.join(',')}], got ${entry ? JSON.stringify(entry.shape) : 'nothing'}`);
        }
        const size = want.reduce((a, b) => a * b, 1);
        if (!Array.isArray(entry.data) || entry.data.length !== size || !entry.data.every((v) => Number.isFinite(v))) {
          throw new Error(`token weights: "${name}" needs ${size} finite numbers`);
        }
        initial[k] = tf.tensor(entry.data, want, 'float32');
      }
      return new TokenWeightBranch(channels, numTokens, initial);
    } finally {
      tf.dispose(Object.values(initial));
    }
  }

  /** Trainable variables, for optimisers (`optimizer.minimize(f, true, branch.variables)`). */
  get variables(): tf.Variable[] {
    return KEYS.map((k) => this.vars[k]);
  }

  setTrainable(trainable: boolean): void {
    for (const v of this.variables) v.trainable = trainable;
  }

  /** w[n,t] for features [N,H,W,C]; each row sums to 1. */
  apply(features: tf.Tensor4D): tf.Tensor2D {
    assertRank4('features', features);
    if (features.shape[3] !== this.channels) {
      throw new Error(`token weights expect C = ${this.channels} channels, got features [${features.shape.join(',')}]`);
    }
    const { conv3x3Kernel, conv3x3Bias, conv1x1Kernel, conv1x1Bias } = this.vars;
    return tf.tidy(() => {
      const hidden = tf.add(tf.conv2d(features, conv3x3Kernel as tf.Tensor4D, 1, 'same'), conv3x3Bias);
      const pooled = tf.mean(hidden, [1, 2]); // [N,C]
      // A 1×1 conv on a 1×1 map is a matMul with the [C,T] kernel.
      const logits = tf.add(tf.matMul(pooled, tf.reshape(conv1x1Kernel, [this.channels, this.numTokens])), conv1x1Bias);
      return tf.softmax(logits as tf.Tensor2D);
    });
  }

  /** name → {shape, data}, kernels in HWIO (async: reading a GPU tensor must not block). */
  async serialize(): Promise<TokenWeightsState> {
    const entries = await Promise.all(
      KEYS.map(async (k): Promise<[string, SerializedTensor]> => [
        TOKEN_WEIGHT_PARAMS[k],
        { shape: [...this.vars[k].shape], data: Array.from(await this.vars[k].data()) },
      ]),
    );
    return Object.fromEntries(entries);
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
