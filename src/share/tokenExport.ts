// Receptive tokens (and the token-weight branch) as the reference `MaskModule` state dict in a
// .safetensors file, plus a JSON sidecar with the run's config and provenance.
//
// Reference names and layouts (hunto/MasKD `MaskModule`):
//   mask_token     [T, C]
//   prob.0.weight  [C, C, 3, 3]  OIHW   (tfjs stores HWIO [3, 3, C, C])
//   prob.0.bias    [C]
//   prob.2.weight  [T, C, 1, 1]  OIHW   (tfjs stores HWIO [1, 1, C, T])
//   prob.2.bias    [T]
// An optional key prefix (e.g. `mask_modules.0.` for mmrazor's per-level modules) is prepended.
import { REFERENCE_PARAM_NAMES, hwioToOihw, type TokenWeightsState } from '../maskd/tokenLayout';
import type { NamedSerializedTensor, SerializedTensor } from '../maskd/types';
import { writeSafetensors, type SafetensorsTensor } from './safetensors';

export type ExportTask = 'segmentation' | 'detection' | 'custom';

export interface TokenExportConfig {
  task: ExportTask;
  /** T */
  numTokens: number;
  /** C, the teacher feature's width at the tap layer. */
  channels: number;
  tapLayer: string;
  teacher: string;
  student?: string;
  tokenWeights: boolean;
  hyperParameters: Readonly<Record<string, number | boolean | string>>;
}

export interface TokenExportProvenance {
  app: string;
  appVersion: string;
  /** ISO 8601. */
  createdAt: string;
  seed: number;
  /** The tfjs backend the tokens were trained on (webgpu, webgl, cpu). */
  backend: string;
}

export interface TokenSidecarTensor {
  name: string;
  dtype: 'F32';
  shape: number[];
  layout: 'TC' | 'OIHW' | 'O';
}

export interface TokenSidecar {
  format: 'maskd-playground.tokens';
  formatVersion: 1;
  /** The .safetensors file this describes. */
  weights: string;
  prefix: string;
  tensors: TokenSidecarTensor[];
  config: TokenExportConfig;
  provenance: TokenExportProvenance;
}

export interface TokenExportInput {
  /** `ReceptiveTokens.serialize()`; exported under the reference name whatever its own name. */
  tokens: NamedSerializedTensor;
  /** `TokenWeightBranch.serialize()` (HWIO kernels), when the branch is on. */
  branch?: TokenWeightsState;
  /** Prepended to every key, e.g. `referencePrefix(0)`. */
  prefix?: string;
  config: Omit<TokenExportConfig, 'numTokens' | 'channels' | 'tokenWeights'>;
  provenance: TokenExportProvenance;
  /** Base name of the download, without extension. */
  baseName?: string;
}

export interface TokenExport {
  safetensors: Uint8Array<ArrayBuffer>;
  sidecar: TokenSidecar;
  sidecarJson: string;
  fileNames: { weights: string; sidecar: string };
}

const PREFIX_PATTERN = /^([A-Za-z0-9_]+\.)*$/;

function finiteFloat32(what: string, t: SerializedTensor, shape: readonly number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Array.isArray(t.shape) || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`token export: "${what}" must have shape [${shape.join(',')}], got ${JSON.stringify(t.shape)}`);
  }
  if (t.data.length !== size) throw new Error(`token export: "${what}" needs ${size} values, got ${t.data.length}`);
  if (!t.data.every((v) => Number.isFinite(v))) throw new Error(`token export: "${what}" contains a non-finite value`);
  return Float32Array.from(t.data);
}

/** A float32 tensor of the exported state dict. */
export interface Float32Tensor extends SafetensorsTensor {
  dtype: 'F32';
  data: Float32Array;
}

interface StateEntry {
  name: string;
  tensor: Float32Tensor;
  layout: TokenSidecarTensor['layout'];
}

function stateEntries(tokens: NamedSerializedTensor, branch: TokenWeightsState | undefined, prefix: string): StateEntry[] {
  if (!PREFIX_PATTERN.test(prefix)) throw new Error(`token export: prefix "${prefix}" must be dot-terminated name parts such as "mask_modules.0."`);
  const [t, c] = tokens.shape;
  if (tokens.shape.length !== 2 || !Number.isInteger(t) || !Number.isInteger(c) || t < 1 || c < 1) {
    throw new Error(`token export: tokens must have shape [T,C], got ${JSON.stringify(tokens.shape)}`);
  }
  const entries: StateEntry[] = [
    { name: REFERENCE_PARAM_NAMES.maskToken, tensor: { dtype: 'F32', shape: [t, c], data: finiteFloat32('mask_token', tokens, [t, c]) }, layout: 'TC' },
  ];
  if (branch) {
    const get = (name: string): SerializedTensor => {
      const v = Object.prototype.hasOwnProperty.call(branch, name) ? branch[name] : undefined;
      if (!v) throw new Error(`token export: the token-weight branch has no "${name}"`);
      return v;
    };
    const kernel = (name: string, hwio: number[]): Float32Tensor => {
      const checked = finiteFloat32(`${name} (HWIO)`, get(name), hwio);
      const oihw = hwioToOihw(checked, hwio);
      return { dtype: 'F32', shape: oihw.shape, data: Float32Array.from(oihw.data) };
    };
    const bias = (name: string, n: number): Float32Tensor => ({ dtype: 'F32', shape: [n], data: finiteFloat32(name, get(name), [n]) });
    entries.push(
      { name: REFERENCE_PARAM_NAMES.conv3x3Weight, tensor: kernel(REFERENCE_PARAM_NAMES.conv3x3Weight, [3, 3, c, c]), layout: 'OIHW' },
      { name: REFERENCE_PARAM_NAMES.conv3x3Bias, tensor: bias(REFERENCE_PARAM_NAMES.conv3x3Bias, c), layout: 'O' },
      { name: REFERENCE_PARAM_NAMES.conv1x1Weight, tensor: kernel(REFERENCE_PARAM_NAMES.conv1x1Weight, [1, 1, c, t]), layout: 'OIHW' },
      { name: REFERENCE_PARAM_NAMES.conv1x1Bias, tensor: bias(REFERENCE_PARAM_NAMES.conv1x1Bias, t), layout: 'O' },
    );
  }
  return entries.map((e) => ({ ...e, name: prefix + e.name }));
}

/** The reference `MaskModule` state dict: reference names, PyTorch layouts, float32. Throws on bad shapes. */
export function buildMaskModuleStateDict(tokens: NamedSerializedTensor, branch?: TokenWeightsState, prefix = ''): Record<string, Float32Tensor> {
  return Object.fromEntries(stateEntries(tokens, branch, prefix).map((e) => [e.name, e.tensor]));
}

/** The .safetensors bytes, the sidecar and the file names of one token export. */
export function buildTokenExport(input: TokenExportInput): TokenExport {
  const prefix = input.prefix ?? '';
  const entries = stateEntries(input.tokens, input.branch, prefix);
  const [numTokens, channels] = input.tokens.shape;
  const base = input.baseName ?? `maskd-tokens-${input.config.task}-T${numTokens}-C${channels}`;
  const fileNames = { weights: `${base}.safetensors`, sidecar: `${base}.json` };
  const sidecar: TokenSidecar = {
    format: 'maskd-playground.tokens',
    formatVersion: 1,
    weights: fileNames.weights,
    prefix,
    tensors: entries.map((e) => ({ name: e.name, dtype: 'F32', shape: [...e.tensor.shape], layout: e.layout })),
    config: { ...input.config, numTokens, channels, tokenWeights: input.branch !== undefined },
    provenance: input.provenance,
  };
  const safetensors = writeSafetensors(Object.fromEntries(entries.map((e) => [e.name, e.tensor])), {
    format: 'pt',
    producer: `${input.provenance.app} ${input.provenance.appVersion}`,
  });
  return { safetensors, sidecar, sidecarJson: `${JSON.stringify(sidecar, null, 2)}\n`, fileNames };
}
