// Moving a run's tensors (tokens, branch, model weights, Adam slots) to plain named
// Float32Arrays and back, for checkpoints. Reads are async only (`await data()`).
import * as tf from '@tensorflow/tfjs';
import { ReceptiveTokens } from '../maskd/tokens';
import { TokenWeightBranch, type TokenWeightsState } from '../maskd/tokenWeights';
import type { NamedArray } from '../engine/artifacts';

export async function tensorToArray(name: string, t: tf.Tensor): Promise<NamedArray> {
  return { name, shape: [...t.shape], data: new Float32Array(await t.data()) };
}

export async function tokensToArray(tokens: ReceptiveTokens): Promise<NamedArray> {
  return tensorToArray(tokens.name, tokens.tensor);
}

export function tokensFromArray(a: NamedArray): ReceptiveTokens {
  return ReceptiveTokens.deserialize({ name: a.name, shape: [...a.shape], data: Array.from(a.data) });
}

export async function branchToArrays(branch: TokenWeightBranch): Promise<NamedArray[]> {
  const state = await branch.serialize();
  return Object.entries(state).map(([name, t]) => ({ name, shape: [...t.shape], data: Float32Array.from(t.data) }));
}

export function branchFromArrays(arrays: readonly NamedArray[]): TokenWeightBranch {
  const state: TokenWeightsState = Object.fromEntries(arrays.map((a) => [a.name, { shape: [...a.shape], data: Array.from(a.data) }]));
  return TokenWeightBranch.deserialize(state);
}

/** A model's weights in `getWeights()` order (the variables themselves are not disposed). */
export async function modelWeightsToArrays(model: tf.LayersModel): Promise<NamedArray[]> {
  const weights = model.weights;
  return Promise.all(weights.map((w) => tensorToArray(w.originalName, w.read())));
}

/** Tensors of `arrays`, checked against the expected shapes; the caller owns them. */
export function arraysToTensors(arrays: readonly NamedArray[], expected: readonly (readonly number[])[], what: string): tf.Tensor[] {
  if (arrays.length !== expected.length) throw new Error(`${what}: the checkpoint has ${arrays.length} weights, the model ${expected.length}`);
  arrays.forEach((a, i) => {
    if (a.shape.length !== expected[i].length || a.shape.some((d, j) => d !== expected[i][j])) {
      throw new Error(`${what}: weight ${i} (${a.name}) is [${a.shape.join(',')}], the model wants [${expected[i].join(',')}]`);
    }
  });
  return arrays.map((a) => tf.tensor(a.data, [...a.shape]));
}

/** Sets a model's weights from a checkpoint (same architecture, same order). */
export function setModelWeights(model: tf.LayersModel, arrays: readonly NamedArray[], what: string): void {
  const tensors = arraysToTensors(arrays, model.weights.map((w) => w.shape as number[]), what);
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** A deep copy (the original may be transferred or kept in memory while the copy travels). */
export function copyArrays(arrays: readonly NamedArray[]): NamedArray[] {
  return arrays.map((a) => ({ name: a.name, shape: [...a.shape], data: a.data.slice() }));
}

/**
 * Adam's state (iteration count, moments) as plain data, mid-run: unlike saveOptimizerState it
 * leaves the optimiser's own moment variables alone (only the iteration scalar is a new tensor).
 */
export async function readOptimizerState(optimizer: tf.Optimizer): Promise<NamedArray[]> {
  const weights = await optimizer.getWeights();
  try {
    return await Promise.all(weights.map(({ name, tensor }) => tensorToArray(name, tensor)));
  } finally {
    tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  }
}
