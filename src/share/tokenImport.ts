// Reads a reference `MaskModule` state dict from .safetensors back into the app's plain forms:
// tokens {name, shape:[T,C], data} and the token-weight branch with HWIO kernels.
//
// Limits (src/limits.ts), each checked before the values are converted: the file's bytes
// (checkTokenFileSize, from File.size, before reading), T ≤ LIMITS.tokens and C ≤
// LIMITS.tokenChannels from the header's shape, and every value inside float32's range (an F64
// value beyond it would become ±Infinity in the engine's float32 tensors). Messages quote at most
// LIMITS.quoteChars of a name or shape from the file (src/messageQuote.ts).
import { LIMITS, limitText } from '../limits';
import { formatByteCount, groupDigits } from '../messageNumbers';
import { clip, quote, shapeText } from '../messageQuote';
import { REFERENCE_PARAM_NAMES, oihwToHwio, type TokenWeightsState } from '../maskd/tokenLayout';
import type { NamedSerializedTensor } from '../maskd/types';
import { readSafetensors, SafetensorsError, type SafetensorsEntry, type SafetensorsTensor } from './safetensors';

/** Why a token file cannot be imported; the message says what is wrong and what to do. */
export class TokenImportError extends Error {
  constructor(message: string) {
    // Cut at LIMITS.noticeChars whatever the file made it say (names are quoted short already).
    super(clip(message, LIMITS.noticeChars.value));
    this.name = 'TokenImportError';
  }
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Throws a TokenImportError naming the file and the limit when a token file is too large to read.
 * Call it with File.size before reading the file; importTokens checks the bytes again.
 */
export function checkTokenFileSize(name: string, size: number): void {
  if (!(Number.isSafeInteger(size) && size >= 0) || size > LIMITS.tokenFileBytes.value) {
    throw new TokenImportError(`${name}: ${formatByteCount(size)} is over ${limitText('tokenFileBytes')} on ${LIMITS.tokenFileBytes.what}; it was not read`);
  }
}

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

/** A few of the file's tensor names, each cut short: the list stays one line whatever the names are. */
function listNames(names: string[]): string {
  const shown = names.slice(0, 4).map((n) => quote(n, 32)).join(', ');
  return names.length > 4 ? `${shown}, … (${groupDigits(names.length)} in all)` : shown || 'no tensors';
}

function findPrefix(names: string[], wanted: string | undefined): string {
  const token = REFERENCE_PARAM_NAMES.maskToken;
  if (wanted !== undefined) {
    if (!names.includes(wanted + token)) throw new TokenImportError(`token import: no ${quote(wanted + token)} in this file; it holds ${listNames(names)}`);
    return wanted;
  }
  const prefixes = names.filter((n) => n === token || n.endsWith(`.${token}`)).map((n) => n.slice(0, n.length - token.length));
  if (prefixes.length === 0) {
    throw new TokenImportError(`token import: no "${token}" tensor in this file (it holds ${listNames(names)}); export the MaskModule state dict of the reference code`);
  }
  if (prefixes.length > 1) {
    throw new TokenImportError(`token import: the file holds ${groupDigits(prefixes.length)} mask modules (${listNames(prefixes)}); choose one`);
  }
  return prefixes[0];
}

function floats(name: string, t: SafetensorsTensor, shape: readonly number[], what: string): number[] {
  if (t.dtype !== 'F32' && t.dtype !== 'F64') throw new TokenImportError(`token import: ${quote(name)} must be a float tensor (F32), got ${t.dtype}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new TokenImportError(`token import: ${quote(name)} has shape ${shapeText(t.shape)}, expected [${shape.join(',')}] (${what})`);
  }
  const values = t.data as Float32Array | Float64Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new TokenImportError(`token import: ${quote(name)} contains NaN or infinite values`);
    if (Math.abs(v) > FLOAT32_MAX) {
      throw new TokenImportError(`token import: ${quote(name)} holds ${v} (value ${i}), beyond float32's range (±3.4e38): it would become infinite in the engine`);
    }
  }
  return Array.from(values);
}

/**
 * T and C of every `mask_token` the header declares, before any value is read: a file may hold
 * at most LIMITS.tokens tokens of at most LIMITS.tokenChannels channels.
 */
function checkDeclaredTokens(entries: ReadonlyMap<string, SafetensorsEntry>, prefix: string | undefined): void {
  const token = REFERENCE_PARAM_NAMES.maskToken;
  for (const [name, e] of entries) {
    if (prefix !== undefined ? name !== prefix + token : name !== token && !name.endsWith(`.${token}`)) continue;
    const [t, c] = e.shape;
    if (e.shape.length === 2 && t > LIMITS.tokens.value) {
      throw new TokenImportError(`token import: ${quote(name)} is ${shapeText(e.shape)}: T = ${groupDigits(t)} tokens, over ${limitText('tokens')} on ${LIMITS.tokens.what}`);
    }
    if (e.shape.length === 2 && c > LIMITS.tokenChannels.value) {
      throw new TokenImportError(`token import: ${quote(name)} is ${shapeText(e.shape)}: C = ${groupDigits(c)} channels, over ${limitText('tokenChannels')} on ${LIMITS.tokenChannels.what}`);
    }
  }
}

/** Parses a token .safetensors file; throws an Error whose message says what is wrong and what to do. */
export function importTokens(bytes: Uint8Array, expect: TokenImportExpectations = {}, name = 'token file'): ImportedTokens {
  checkTokenFileSize(name, bytes.length);
  let file;
  try {
    file = readSafetensors(bytes, { inspect: (entries) => checkDeclaredTokens(entries, expect.prefix) });
  } catch (err) {
    if (err instanceof TokenImportError) throw err;
    throw new TokenImportError(`token import: ${err instanceof SafetensorsError ? err.message : `the file could not be read (${clip(err instanceof Error ? err.message : String(err))})`}`);
  }
  const names = [...file.tensors.keys()];
  const prefix = findPrefix(names, expect.prefix);
  const tokenName = prefix + REFERENCE_PARAM_NAMES.maskToken;
  const tokenTensor = file.tensors.get(tokenName) as SafetensorsTensor;
  if (tokenTensor.shape.length !== 2 || tokenTensor.shape[0] < 1 || tokenTensor.shape[1] < 1) {
    throw new TokenImportError(`token import: ${quote(tokenName)} must be [T,C] with T, C ≥ 1, got ${shapeText(tokenTensor.shape)}`);
  }
  const [t, c] = tokenTensor.shape;
  // From the header's shape, before a value is converted.
  if (t > LIMITS.tokens.value) {
    throw new TokenImportError(`token import: ${quote(tokenName)} is ${shapeText(tokenTensor.shape)}: T = ${groupDigits(t)} tokens, over ${limitText('tokens')} on ${LIMITS.tokens.what}`);
  }
  if (c > LIMITS.tokenChannels.value) {
    throw new TokenImportError(`token import: ${quote(tokenName)} is ${shapeText(tokenTensor.shape)}: C = ${groupDigits(c)} channels, over ${limitText('tokenChannels')} on ${LIMITS.tokenChannels.what}`);
  }
  if (expect.channels !== undefined && c !== expect.channels) {
    throw new TokenImportError(`token import: these tokens are C = ${c} wide but the teacher's feature at the tap layer has ${expect.channels} channels; pick the teacher they were trained on`);
  }
  if (expect.numTokens !== undefined && t !== expect.numTokens) {
    throw new TokenImportError(`token import: the file has T = ${t} tokens but ${expect.numTokens} are expected`);
  }
  const tokens: NamedSerializedTensor = { name: REFERENCE_PARAM_NAMES.maskToken, shape: [t, c], data: floats(tokenName, tokenTensor, [t, c], 'T tokens of width C') };

  const present = BRANCH_NAMES.filter((n) => file.tensors.has(prefix + n));
  if (present.length === 0) return { tokens, prefix, metadata: file.metadata };
  if (present.length < BRANCH_NAMES.length) {
    const missing = listNames(BRANCH_NAMES.filter((n) => !present.includes(n)).map((n) => prefix + n));
    throw new TokenImportError(`token import: the token-weight branch is incomplete (missing ${missing})`);
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
