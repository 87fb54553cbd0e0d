// Conversions between the app's plain serialised forms (ReceptiveTokens / TokenWeightBranch
// `serialize()`) and the link codec's typed arrays. Pure: type imports only, no tf.
import type { TokenWeightsState } from '../maskd/tokenLayout';
import type { NamedSerializedTensor } from '../maskd/types';
import type { LinkTokens, LinkTokenWeights } from './linkSchema';

// Literal names (rather than importing REFERENCE_PARAM_NAMES) keep this module free of tf;
// linkAdapters.test.ts checks they agree.
const CONV3_W = 'prob.0.weight';
const CONV3_B = 'prob.0.bias';
const CONV1_W = 'prob.2.weight';
const CONV1_B = 'prob.2.bias';

export function linkTokensFromSerialized(tokens: NamedSerializedTensor): LinkTokens {
  const [numTokens, channels] = tokens.shape;
  return { numTokens, channels, data: Float32Array.from(tokens.data) };
}

export function serializedFromLinkTokens(tokens: LinkTokens, name = 'mask_token'): NamedSerializedTensor {
  return { name, shape: [tokens.numTokens, tokens.channels], data: Array.from(tokens.data) };
}

/** Throws when a tensor is missing; shapes are checked by the codec's validator. */
export function linkBranchFromState(state: TokenWeightsState): LinkTokenWeights {
  const get = (name: string): Float32Array => {
    const t = Object.prototype.hasOwnProperty.call(state, name) ? state[name] : undefined;
    if (!t) throw new Error(`token weights: "${name}" is missing`);
    return Float32Array.from(t.data);
  };
  return { kernel3x3: get(CONV3_W), bias3x3: get(CONV3_B), kernel1x1: get(CONV1_W), bias1x1: get(CONV1_B) };
}

/** HWIO kernels, as TokenWeightBranch.deserialize expects. */
export function branchStateFromLink(w: LinkTokenWeights, channels: number, numTokens: number): TokenWeightsState {
  return {
    [CONV3_W]: { shape: [3, 3, channels, channels], data: Array.from(w.kernel3x3) },
    [CONV3_B]: { shape: [channels], data: Array.from(w.bias3x3) },
    [CONV1_W]: { shape: [1, 1, channels, numTokens], data: Array.from(w.kernel1x1) },
    [CONV1_B]: { shape: [numTokens], data: Array.from(w.bias1x1) },
  };
}
