import * as tf from '@tensorflow/tfjs';
import type { NamedSerializedTensor } from './types';
import { REFERENCE_PARAM_NAMES } from './tokenLayout';

// The reference's parameter names live in the tensor-free ./tokenLayout (the page's token
// export and import read them there).
export { REFERENCE_PARAM_NAMES, referencePrefix } from './tokenLayout';

/** Reference init: normal(0, 0.01). */
export const TOKEN_INIT_STD = 0.01;

export interface TokenInit {
  numTokens: number;
  channels: number;
  seed: number;
  std?: number;
  /** Parameter name used when serialising; defaults to the reference's `mask_token`. */
  name?: string;
}

function checkSize(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${what} must be an integer ≥ 1, got ${v}`);
}

// tfjs keeps one global registry of variable names and throws on duplicates, so the variable
// gets a unique name; the logical (reference) name lives in `name`.
let instanceCounter = 0;
function uniqueVariableName(name: string): string {
  instanceCounter += 1;
  return `${name}__${instanceCounter}`;
}

/** The receptive tokens: a trainable [T,C] variable. */
export class ReceptiveTokens {
  readonly name: string;
  readonly variable: tf.Variable<tf.Rank.R2>;

  private constructor(name: string, initial: tf.Tensor2D) {
    this.name = name;
    this.variable = tf.variable(initial, true, uniqueVariableName(name));
  }

  /** T tokens of width C, normal(0, std) from `seed`. */
  static create({ numTokens, channels, seed, std = TOKEN_INIT_STD, name = REFERENCE_PARAM_NAMES.maskToken }: TokenInit): ReceptiveTokens {
    checkSize('numTokens (T)', numTokens);
    checkSize('channels (C)', channels);
    const init = tf.randomNormal<tf.Rank.R2>([numTokens, channels], 0, std, 'float32', seed);
    const tokens = new ReceptiveTokens(name, init);
    init.dispose();
    return tokens;
  }

  /** Rebuilds tokens from `serialize()` output, rejecting malformed data with a clear message. */
  static deserialize(obj: NamedSerializedTensor): ReceptiveTokens {
    const { name, shape, data } = obj;
    if (typeof name !== 'string' || name.length === 0) throw new Error('tokens: name must be a non-empty string');
    if (!Array.isArray(shape) || shape.length !== 2) {
      throw new Error(`tokens "${name}": shape must be [T,C], got ${JSON.stringify(shape)}`);
    }
    checkSize(`tokens "${name}": T`, shape[0]);
    checkSize(`tokens "${name}": C`, shape[1]);
    if (!Array.isArray(data) || data.length !== shape[0] * shape[1]) {
      throw new Error(`tokens "${name}": expected ${shape[0] * shape[1]} values for shape [${shape.join(',')}], got ${Array.isArray(data) ? data.length : typeof data}`);
    }
    if (!data.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new Error(`tokens "${name}": data contains a non-finite or non-numeric value`);
    }
    const init = tf.tensor2d(data, [shape[0], shape[1]], 'float32');
    const tokens = new ReceptiveTokens(name, init);
    init.dispose();
    return tokens;
  }

  get numTokens(): number {
    return this.variable.shape[0];
  }

  get channels(): number {
    return this.variable.shape[1];
  }

  /** The tokens as a Tensor2D for the ops (the variable itself; do not dispose it). */
  get tensor(): tf.Tensor2D {
    return this.variable;
  }

  /** Stage 2 freezes the tokens; optimisers skip non-trainable variables. */
  setTrainable(trainable: boolean): void {
    this.variable.trainable = trainable;
  }

  /** Plain {name, shape:[T,C], data} (async: reading a GPU tensor must not block). */
  async serialize(): Promise<NamedSerializedTensor> {
    const data = Array.from(await this.variable.data());
    return { name: this.name, shape: [this.numTokens, this.channels], data };
  }

  dispose(): void {
    this.variable.dispose();
  }
}
