// What a share link holds, its limits, and the validator used on both sides of the codec.
// Strings in a link are restricted to short, plain identifiers: nothing in a link is ever
// executed, rendered as HTML or used as a URL.

import { LIMITS, clampSetting, type SettingKey } from '../limits';

export const LINK_FORMAT_VERSION = 1;

/** The link's limits, as stated in src/limits.ts. */
export const LINK_LIMITS = {
  /** The whole fragment, '#' included. */
  maxHashChars: LIMITS.linkHashChars.value,
  /** Decompressed payload; the inflater's output buffer is this size + 1, never more. */
  maxPayloadBytes: LIMITS.linkPayloadBytes.value,
  maxTokens: LIMITS.tokens.value,
  maxChannels: LIMITS.tokenChannels.value,
  maxPreviews: LIMITS.linkPreviews.value,
  maxMaskSide: LIMITS.linkMaskSide.value,
  /** Every float parameter (tokens, branch weights) must satisfy |v| ≤ this. */
  maxAbsValue: LIMITS.linkAbsValue.value,
  maxStringChars: LIMITS.linkStringChars.value,
} as const;

export type LinkTask = 'segmentation' | 'detection' | 'custom';
export const LINK_TASKS: readonly LinkTask[] = ['segmentation', 'detection', 'custom'];

export type ModelRef = { kind: 'builtin'; id: string } | { kind: 'sha256'; hex: string };

/** Identifiers: letters, digits and `_ . / -`, 1–64 characters (no `:`, so never a URL scheme). */
export const SAFE_STRING = /^[A-Za-z0-9_./-]{1,64}$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Whitelisted hyper-parameters. The index of each entry is its id on the wire, so entries are
 * only ever appended (a new key in an old link reader is an unknown id and is rejected).
 */
export const HYPER_PARAM_SPECS = [
  { key: 'method', kind: 'enum', values: ['none', 'fitnet', 'cwd', 'maskd'] },
  { key: 'lossWeight', kind: 'number', min: 0, max: 1e4 },
  { key: 'factor', kind: 'number', min: 0, max: 100 },
  { key: 'tau', kind: 'number', min: 0.05, max: 100 },
  { key: 'customMask', kind: 'boolean' },
  { key: 'customMaskWarmup', kind: 'integer', min: 0, max: 1e7 },
  { key: 'eps', kind: 'number', min: 0, max: 1 },
  { key: 'tokenWeights', kind: 'boolean' },
  { key: 'maskLr', kind: 'number', min: 0, max: 10 },
  { key: 'maskIterations', kind: 'integer', min: 0, max: 1e7 },
  { key: 'diceWeight', kind: 'number', min: 0, max: 1e4 },
  { key: 'distillLr', kind: 'number', min: 0, max: 10 },
  { key: 'distillIterations', kind: 'integer', min: 0, max: 1e7 },
  { key: 'batchSize', kind: 'integer', min: 1, max: 4096 },
  { key: 'tapLayer', kind: 'string' },
  { key: 'schedule', kind: 'string' },
  { key: 'optimizer', kind: 'string' },
] as const;

type HyperSpec = (typeof HYPER_PARAM_SPECS)[number];
type HyperKey = HyperSpec['key'];
type ValueOf<S extends HyperSpec> = S extends { kind: 'boolean' }
  ? boolean
  : S extends { kind: 'number' | 'integer' }
    ? number
    : S extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : string;
export type LinkHyperParams = { [S in HyperSpec as S['key']]?: ValueOf<S> };

export interface LinkTokens {
  numTokens: number;
  channels: number;
  /** [T, C] row-major, float32, finite. */
  data: Float32Array;
}

/** The token-weight branch, kernels in tfjs HWIO order (as TokenWeightBranch stores them). */
export interface LinkTokenWeights {
  /** [3, 3, C, C] */
  kernel3x3: Float32Array;
  /** [C] */
  bias3x3: Float32Array;
  /** [1, 1, C, T] */
  kernel1x1: Float32Array;
  /** [T] */
  bias1x1: Float32Array;
}

/** Mask images for custom models: [P, H, W, T] (the app's masks layout), values in [0, 1]. */
export interface LinkMasks {
  height: number;
  width: number;
  data: Float32Array;
}

export interface LinkState {
  v: typeof LINK_FORMAT_VERSION;
  task: LinkTask;
  models: { teacher: ModelRef; student: ModelRef };
  /** uint32 */
  seed: number;
  hyper: LinkHyperParams;
  tokens: LinkTokens;
  tokenWeights?: LinkTokenWeights;
  /** Seeds (uint32) of the preview scenes, at most 16. */
  previews: number[];
  masks?: LinkMasks;
}

export function hyperSpecIndex(key: string): number {
  return HYPER_PARAM_SPECS.findIndex((s) => s.key === key);
}

/** Why `value` is not acceptable for the hyper-parameter spec, or null. */
export function checkHyperValue(spec: HyperSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? null : `hyper-parameter "${spec.key}" must be true or false`;
    case 'enum':
      return (spec.values as readonly unknown[]).includes(value) ? null : `hyper-parameter "${spec.key}" must be one of ${spec.values.join(', ')}`;
    case 'string':
      return typeof value === 'string' && SAFE_STRING.test(value) ? null : `hyper-parameter "${spec.key}" must be a short identifier`;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max) {
        return `hyper-parameter "${spec.key}" must be a number in [${spec.min}, ${spec.max}]`;
      }
      return spec.kind === 'integer' && !Number.isInteger(value) ? `hyper-parameter "${spec.key}" must be an integer` : null;
  }
}

const isUint32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

function checkModel(role: string, ref: unknown): string | null {
  if (typeof ref !== 'object' || ref === null) return `${role} model is missing`;
  const r = ref as Partial<Record<'kind' | 'id' | 'hex', unknown>>;
  if (r.kind === 'builtin') return typeof r.id === 'string' && SAFE_STRING.test(r.id) ? null : `${role} model id must be a short identifier`;
  if (r.kind === 'sha256') return typeof r.hex === 'string' && SHA256_HEX.test(r.hex) ? null : `${role} model hash must be 64 lowercase hex digits`;
  return `${role} model must be a built-in id or a sha256 hash`;
}

function checkFloats(what: string, data: unknown, length: number): string | null {
  if (!(data instanceof Float32Array)) return `${what} must be a Float32Array`;
  if (data.length !== length) return `${what} needs ${length} values, got ${data.length}`;
  for (let i = 0; i < data.length; i++) {
    if (!(Math.abs(data[i]) <= LINK_LIMITS.maxAbsValue)) return `${what} holds a value that is not finite or exceeds ${LINK_LIMITS.maxAbsValue} in magnitude`;
  }
  return null;
}

function inRange(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** The first thing wrong with `state`, or null when it is a valid, in-bounds link state. */
export function validateLinkState(state: LinkState): string | null {
  if (state.v !== LINK_FORMAT_VERSION) return `unsupported link format version ${String(state.v)}`;
  if (!LINK_TASKS.includes(state.task)) return `unknown task ${JSON.stringify(state.task)}`;
  const modelProblem = checkModel('teacher', state.models?.teacher) ?? checkModel('student', state.models?.student);
  if (modelProblem) return modelProblem;
  if (!isUint32(state.seed)) return 'seed must be an integer in [0, 2^32)';
  if (typeof state.hyper !== 'object' || state.hyper === null) return 'hyper-parameters are missing';
  for (const [key, value] of Object.entries(state.hyper)) {
    if (value === undefined) continue;
    const index = hyperSpecIndex(key);
    if (index < 0) return `hyper-parameter "${key}" is not one a link may carry`;
    const problem = checkHyperValue(HYPER_PARAM_SPECS[index], value);
    if (problem) return problem;
  }
  const { numTokens: t, channels: c } = state.tokens ?? {};
  if (!inRange(t, 1, LINK_LIMITS.maxTokens)) return `the number of tokens must be 1–${LINK_LIMITS.maxTokens}`;
  if (!inRange(c, 1, LINK_LIMITS.maxChannels)) return `the token width must be 1–${LINK_LIMITS.maxChannels} channels`;
  const tokenProblem = checkFloats('tokens', state.tokens.data, t * c);
  if (tokenProblem) return tokenProblem;
  if (state.tokenWeights !== undefined) {
    const w = state.tokenWeights;
    const problem =
      checkFloats('token-weight conv3×3 kernel', w.kernel3x3, 9 * c * c) ??
      checkFloats('token-weight conv3×3 bias', w.bias3x3, c) ??
      checkFloats('token-weight conv1×1 kernel', w.kernel1x1, c * t) ??
      checkFloats('token-weight conv1×1 bias', w.bias1x1, t);
    if (problem) return problem;
  }
  if (!Array.isArray(state.previews) || state.previews.length > LINK_LIMITS.maxPreviews) return `at most ${LINK_LIMITS.maxPreviews} preview scenes`;
  if (!state.previews.every(isUint32)) return 'preview seeds must be integers in [0, 2^32)';
  if (state.masks !== undefined) {
    const { height, width, data } = state.masks;
    if (state.previews.length === 0) return 'mask images need at least one preview';
    if (!inRange(height, 1, LINK_LIMITS.maxMaskSide) || !inRange(width, 1, LINK_LIMITS.maxMaskSide)) {
      return `mask images must be 1–${LINK_LIMITS.maxMaskSide} pixels on each side`;
    }
    const length = state.previews.length * height * width * t;
    if (!(data instanceof Float32Array) || data.length !== length) return `mask images need ${length} values ([P,H,W,T])`;
    for (let i = 0; i < data.length; i++) if (!(data[i] >= 0 && data[i] <= 1)) return 'mask values must lie in [0, 1]';
  }
  return null;
}

/** Which Setup field (SETTING_RANGES) each numeric hyper-parameter of a link fills. */
const HYPER_SETTING: Readonly<Partial<Record<HyperKey, SettingKey>>> = {
  lossWeight: 'lossWeight',
  factor: 'factor',
  tau: 'tau',
  customMaskWarmup: 'customMaskWarmup',
  eps: 'eps',
  maskLr: 'maskLr',
  maskIterations: 'maskSteps',
  diceWeight: 'diceWeight',
  distillLr: 'distillLr',
  distillIterations: 'distillSteps',
  batchSize: 'distillBatch',
};

/**
 * A valid link state with its settings clamped to the Setup fields' ranges (the link format
 * allows e.g. batch 4096 and 10⁷ steps; the page's fields do not), and one note per clamped
 * setting. Iteration counts of 0 mean "not set" in a link and stay 0. Returns the same state
 * object when nothing changed.
 */
export function clampLinkSettings(state: LinkState): { state: LinkState; clamped: string[] } {
  const clamped: string[] = [];
  const hyper: Record<string, unknown> = { ...state.hyper };
  for (const [key, setting] of Object.entries(HYPER_SETTING) as [HyperKey, SettingKey][]) {
    const v = hyper[key];
    if (typeof v !== 'number') continue;
    if ((key === 'maskIterations' || key === 'distillIterations') && v === 0) continue;
    const r = clampSetting(setting, v);
    if (r.note) {
      clamped.push(r.note);
      hyper[key] = r.value;
    }
  }
  return clamped.length ? { state: { ...state, hyper: hyper as LinkHyperParams }, clamped } : { state, clamped };
}
