// What a share link holds, its limits, and the validator used on both sides of the codec.
// Strings in a link are restricted to short, plain identifiers: nothing in a link is ever
// executed, rendered as HTML or used as a URL.

import { LIMITS } from '../limits';
import { clampSetting, type SettingKey } from './settingRanges';
import { METHOD_DEFAULTS } from '../maskd/methodInfo';

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
  /** Steps, from before the warm-up was a share: read (as a share of distillIterations), never written. */
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
  /** Stage 1's schedule: 'cosine' or 'poly'. */
  { key: 'schedule', kind: 'string' },
  /** Stage 1's optimiser: 'adam' or 'sgd'. Links without it predate the recipes (Adam, cosine, no decay). */
  { key: 'optimizer', kind: 'string' },
  { key: 'customMaskWarmupShare', kind: 'number', min: 0, max: 1 },
  { key: 'maskMomentum', kind: 'number', min: 0, max: 1 },
  { key: 'maskWeightDecay', kind: 'number', min: 0, max: 10 },
  { key: 'maskMinLr', kind: 'number', min: 0, max: 10 },
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
  customMaskWarmupShare: 'customMaskWarmupShare',
  eps: 'eps',
  maskLr: 'maskLr',
  maskMomentum: 'maskMomentum',
  maskWeightDecay: 'maskWeightDecay',
  maskMinLr: 'maskMinLr',
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
  // An older link's warm-up in steps becomes the share of its run it was (0 iterations: "not set").
  if (typeof hyper.customMaskWarmup === 'number') {
    const steps = hyper.customMaskWarmup;
    const run = typeof hyper.distillIterations === 'number' && hyper.distillIterations >= 1 ? hyper.distillIterations : null;
    delete hyper.customMaskWarmup;
    if (hyper.customMaskWarmupShare === undefined) {
      if (run === null) {
        const share = METHOD_DEFAULTS.maskd.customMaskWarmupShare;
        hyper.customMaskWarmupShare = share;
        clamped.push(`Custom-mask warm-up of ${steps} steps comes without the run's length; set to the default share ${share}`);
      } else if (steps > run) {
        hyper.customMaskWarmupShare = 1;
        clamped.push(`Custom-mask warm-up of ${steps} steps is longer than the run (${run} steps); set to share 1 (never on)`);
      } else hyper.customMaskWarmupShare = steps / run;
    }
  }
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
  // Stage 1's optimiser and schedule are identifiers a link may carry; only the known ones apply.
  for (const [key, known] of [['optimizer', ['adam', 'sgd']], ['schedule', ['cosine', 'poly']]] as const) {
    const v = hyper[key];
    if (typeof v === 'string' && !(known as readonly string[]).includes(v)) {
      clamped.push(`Learn masks: ${key} "${v}" is not one of ${known.join(', ')}; the page's setting is kept`);
    }
  }
  const changed = clamped.length > 0 || Object.keys(hyper).some((k) => hyper[k] !== (state.hyper as Record<string, unknown>)[k]) || Object.keys(hyper).length !== Object.keys(state.hyper).length;
  return changed ? { state: { ...state, hyper: hyper as LinkHyperParams }, clamped } : { state, clamped };
}
