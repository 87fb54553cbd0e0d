// Reads a reference `MaskModule` state dict from .safetensors back into the app's plain forms:
// tokens {name, shape:[T,C], data} and the token-weight branch with HWIO kernels.
import { REFERENCE_PARAM_NAMES } from '../maskd/tokens';
import { oihwToHwio, type TokenWeightsState } from '../maskd/tokenWeights';
import type { NamedSerializedTensor } from '../maskd/types';
import { readSafetensors, type SafetensorsTensor } from './safetensors';

export interface TokenImportExpectations {
  /** The current teacher's feature width at the tap layer; a different C is refused. */
  channels?: number;
  numTokens?: number;
  /** Which MaskModule to read when the file holds several (e.g. `mask_modules.2.`). */
  prefix?: string;
}

export interface ImportedTokens {
  tokens: NamedSerializedTensor;
  branch?: TokenWeightsState;
  prefix: string;
  metadata: Map<string, string>;
}

const BRANCH_NAMES = [
  REFERENCE_PARAM_NAMES.conv3x3Weight,
  REFERENCE_PARAM_NAMES.conv3x3Bias,
  REFERENCE_PARAM_NAMES.conv1x1Weight,
  REFERENCE_PARAM_NAMES.conv1x1Bias,
] as const;

function listNames(names: string[]): string {
  const shown = names.slice(0, 6).map((n) => `"${n}"`).join(', ');
  return names.length > 6 ? `${shown}, … (${names.length} in all)` : shown || 'no tensors';
}

function findPrefix(names: string[], wanted: string | undefined): string {
  const token = REFERENCE_PARAM_NAMES.maskToken;
  if (wanted !== undefined) {
    if (!names.includes(wanted + token)) throw new Error(`token import: no "${wanted}${token}" in this file; it holds ${listNames(names)}`);
    return wanted;
  }
  const prefixes = names.filter((n) => n === token || n.endsWith(`.${token}`)).map((n) => n.slice(0, n.length - token.length));
  if (prefixes.length === 0) {
    throw new Error(`token import: no "${token}" tensor in this file (it holds ${listNames(names)}); export the MaskModule state dict of the reference code`);
  }
  if (prefixes.length > 1) {
    throw new Error(`token import: the file holds ${prefixes.length} mask modules (${prefixes.map((p) => `"${p}"`).join(', ')}); choose one`);
  }
  return prefixes[0];
}

function floats(name: string, t: SafetensorsTensor, shape: readonly number[], what: string): number[] {
  if (t.dtype !== 'F32' && t.dtype !== 'F64') throw new Error(`token import: "${name}" must be a float tensor (F32), got ${t.dtype}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`token import: "${name}" has shape [${t.shape.join(',')}], expected [${shape.join(',')}] (${what})`);
  }
  const data = Array.from(t.data as Float32Array | Float64Array);
  if (!data.every((v) => Number.isFinite(v))) throw new Error(`token import: "${name}" contains NaN or infinite values`);
  return data;
}

/** Parses a token .safetensors file; throws an Error whose message says what is wrong and what to do. */
export function importTokens(bytes: Uint8Array, expect: TokenImportExpectations = {}): ImportedTokens {
  const file = readSafetensors(bytes);
  const names = [...file.tensors.keys()];
  const prefix = findPrefix(names, expect.prefix);
  const tokenName = prefix + REFERENCE_PARAM_NAMES.maskToken;
  const tokenTensor = file.tensors.get(tokenName) as SafetensorsTensor;
  if (tokenTensor.shape.length !== 2 || tokenTensor.shape[0] < 1 || tokenTensor.shape[1] < 1) {
    throw new Error(`token import: "${tokenName}" must be [T,C] with T, C ≥ 1, got [${tokenTensor.shape.join(',')}]`);
  }
  const [t, c] = tokenTensor.shape;
  if (expect.channels !== undefined && c !== expect.channels) {
    throw new Error(`token import: these tokens are C = ${c} wide but the teacher's feature at the tap layer has ${expect.channels} channels; pick the teacher they were trained on`);
  }
  if (expect.numTokens !== undefined && t !== expect.numTokens) {
    throw new Error(`token import: the file has T = ${t} tokens but ${expect.numTokens} are expected`);
  }
  const tokens: NamedSerializedTensor = { name: REFERENCE_PARAM_NAMES.maskToken, shape: [t, c], data: floats(tokenName, tokenTensor, [t, c], 'T tokens of width C') };

  const present = BRANCH_NAMES.filter((n) => file.tensors.has(prefix + n));
  if (present.length === 0) return { tokens, prefix, metadata: file.metadata };
  if (present.length < BRANCH_NAMES.length) {
    const missing = BRANCH_NAMES.filter((n) => !present.includes(n)).map((n) => `"${prefix}${n}"`).join(', ');
    throw new Error(`token import: the token-weight branch is incomplete (missing ${missing})`);
  }
  const get = (n: string): SafetensorsTensor => file.tensors.get(prefix + n) as SafetensorsTensor;
  const kernel = (n: string, oihw: number[]): { shape: number[]; data: number[] } => {
    const back = oihwToHwio(floats(prefix + n, get(n), oihw, 'OIHW'), oihw);
    return { shape: back.shape, data: back.data };
  };
  const branch: TokenWeightsState = {
    [REFERENCE_PARAM_NAMES.conv3x3Weight]: kernel(REFERENCE_PARAM_NAMES.conv3x3Weight, [c, c, 3, 3]),
    [REFERENCE_PARAM_NAMES.conv3x3Bias]: { shape: [c], data: floats(prefix + REFERENCE_PARAM_NAMES.conv3x3Bias, get(REFERENCE_PARAM_NAMES.conv3x3Bias), [c], 'one per channel') },
    [REFERENCE_PARAM_NAMES.conv1x1Weight]: kernel(REFERENCE_PARAM_NAMES.conv1x1Weight, [t, c, 1, 1]),
    [REFERENCE_PARAM_NAMES.conv1x1Bias]: { shape: [t], data: floats(prefix + REFERENCE_PARAM_NAMES.conv1x1Bias, get(REFERENCE_PARAM_NAMES.conv1x1Bias), [t], 'one per token') },
  };
  return { tokens, branch, prefix, metadata: file.metadata };
}
