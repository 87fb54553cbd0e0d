// The distillation methods as data: names, hyper-parameters with their defaults, ranges and help,
// and the checks on them. No tensors: the page (setup form, charts, links, run files) reads this
// module, and methods.ts builds the losses on it (one source of truth for both).
import { quote, valueText } from '../messageQuote';

export type MethodName = 'none' | 'fitnet' | 'cwd' | 'maskd';
export const METHOD_NAMES: readonly MethodName[] = ['none', 'fitnet', 'cwd', 'maskd'];

export type NoneParams = Record<string, never>;
export interface FitnetParams {
  lossWeight: number;
}
export interface CwdParams {
  lossWeight: number;
  tau: number;
}
export interface MaskdParams {
  lossWeight: number;
  /** Extra multiplier of the reference segmentation code (0.5 there, 1 in detection). */
  factor: number;
  customMask: boolean;
  /**
   * The custom mask switches on after this share of the run's steps (0–1): at 0-based step
   * round(share × steps). The reference gives it in iterations (custom_mask_warmup).
   */
  customMaskWarmupShare: number;
  eps: number;
}
export interface MethodParamsMap {
  none: NoneParams;
  fitnet: FitnetParams;
  cwd: CwdParams;
  maskd: MaskdParams;
}
export type MethodParams = MethodParamsMap[MethodName];

/**
 * Every method's default hyper-parameters, in one place.
 * - fitnet: plain MSE, weight 1.
 * - cwd: tau = 4 and weight 3, the CWD paper's semantic-segmentation setting.
 * - maskd: the reference detection config (RetinaNet R101→R50: loss_weight 7, token weights,
 *   custom mask on) with its warm-up as a share of the run: custom_mask_warmup=7000 of a 2x
 *   schedule (24 epochs × 7330 iterations ≈ 176 000) is 4%; and the segmentation code's eps 1e-5.
 *   See MASKD_PRESETS.segmentation for λ = 1 with the 0.5 factor.
 */
export const METHOD_DEFAULTS: { readonly [K in MethodName]: Readonly<MethodParamsMap[K]> } = {
  none: {},
  fitnet: { lossWeight: 1 },
  cwd: { lossWeight: 3, tau: 4 },
  maskd: { lossWeight: 7, factor: 1, customMask: true, customMaskWarmupShare: 0.04, eps: 1e-5 },
};

/** Reference settings per task; segmentation's reference never switches the custom mask on. */
export const MASKD_PRESETS: Readonly<Record<'detection' | 'segmentation', Readonly<MaskdParams>>> = {
  detection: METHOD_DEFAULTS.maskd,
  segmentation: { ...METHOD_DEFAULTS.maskd, lossWeight: 1, factor: 0.5, customMask: false },
};

export interface ParamSpec<P = MethodParams> {
  key: keyof P & string;
  label: string;
  help: string;
  kind: 'number' | 'integer' | 'boolean';
  min?: number;
  max?: number;
}

export interface MethodDescriptor<K extends MethodName = MethodName> {
  name: K;
  label: string;
  help: string;
  /** Whether the method uses receptive tokens (so stage 1 must have run or tokens be loaded). */
  usesTokens: boolean;
  defaults: Readonly<MethodParamsMap[K]>;
  params: readonly ParamSpec<MethodParamsMap[K]>[];
}

const LOSS_WEIGHT_HELP = 'λ: multiplies the distillation term before it is added to the task loss.';

export const METHODS: { readonly [K in MethodName]: MethodDescriptor<K> } = {
  none: {
    name: 'none',
    label: 'No distillation',
    help: 'The student trains on the task loss alone: the baseline every method is compared with.',
    usesTokens: false,
    defaults: METHOD_DEFAULTS.none,
    params: [],
  },
  fitnet: {
    name: 'fitnet',
    label: 'FitNet',
    help: 'Mean squared error between the aligned student feature and the teacher feature, every pixel and channel alike.',
    usesTokens: false,
    defaults: METHOD_DEFAULTS.fitnet,
    params: [{ key: 'lossWeight', label: 'λ', help: LOSS_WEIGHT_HELP, kind: 'number', min: 0 }],
  },
  cwd: {
    name: 'cwd',
    label: 'Channel-wise (CWD)',
    help: 'Each channel becomes a distribution over pixels (softmax at temperature τ); the student matches the teacher’s by KL divergence.',
    usesTokens: false,
    defaults: METHOD_DEFAULTS.cwd,
    params: [
      { key: 'lossWeight', label: 'λ', help: LOSS_WEIGHT_HELP, kind: 'number', min: 0 },
      { key: 'tau', label: 'τ', help: 'Temperature: higher spreads each channel’s distribution over more pixels.', kind: 'number', min: 0.05, max: 100 },
    ],
  },
  maskd: {
    name: 'maskd',
    label: 'MasKD',
    help: 'Receptive tokens learned on the teacher pick out regions; the student imitates the teacher inside each region, normalised by its area.',
    usesTokens: true,
    defaults: METHOD_DEFAULTS.maskd,
    params: [
      { key: 'lossWeight', label: 'λ', help: LOSS_WEIGHT_HELP, kind: 'number', min: 0 },
      { key: 'factor', label: 'Factor', help: 'Extra multiplier: 0.5 in the reference segmentation code, 1 in detection.', kind: 'number', min: 0 },
      { key: 'customMask', label: 'Custom mask', help: 'After the warm-up, multiply each teacher mask by the same token’s mask on the student feature (no gradient through it).', kind: 'boolean' },
      {
        key: 'customMaskWarmupShare',
        label: 'Custom-mask warm-up (share of the run)',
        help:
          'The custom mask switches on after this share of the steps (0.04: step 9 of 200). Reference: custom_mask_warmup=7000 of a 2x schedule ' +
          '(≈176 000 iterations), about 4%, in hunto/MasKD mmrazor/configs/distill/maskd/retinanet_r101-retinanet_r50_coco.py.',
        kind: 'number',
        min: 0,
        max: 1,
      },
      { key: 'eps', label: 'ε', help: 'Added to each mask’s area before dividing.', kind: 'number', min: 0, max: 1 },
    ],
  },
};

export function listMethods(): MethodDescriptor[] {
  return METHOD_NAMES.map((name) => METHODS[name] as MethodDescriptor);
}

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && (METHOD_NAMES as readonly string[]).includes(value);
}

/** Defaults overlaid with `overrides`, each checked against the method's ParamSpec. */
export function resolveParams<K extends MethodName>(name: K, overrides: Partial<MethodParamsMap[K]> = {}): MethodParamsMap[K] {
  if (!isMethodName(name)) throw new Error(`Unknown distillation method ${quote(name)}; expected one of ${METHOD_NAMES.join(', ')}`);
  const descriptor = METHODS[name] as MethodDescriptor;
  const merged: Record<string, unknown> = { ...descriptor.defaults, ...overrides };
  for (const key of Object.keys(overrides)) {
    if (!descriptor.params.some((p) => p.key === key)) throw new Error(`${name}: unknown parameter ${quote(key)}`);
  }
  for (const spec of descriptor.params) {
    const v = merged[spec.key];
    if (spec.kind === 'boolean') {
      if (typeof v !== 'boolean') throw new Error(`${name}: ${spec.key} must be true or false, got ${valueText(v)}`);
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name}: ${spec.key} must be a finite number, got ${valueText(v)}`);
    if (spec.kind === 'integer' && !Number.isInteger(v)) throw new Error(`${name}: ${spec.key} must be an integer, got ${v}`);
    if (spec.min !== undefined && v < spec.min) throw new Error(`${name}: ${spec.key} must be ≥ ${spec.min}, got ${v}`);
    if (spec.max !== undefined && v > spec.max) throw new Error(`${name}: ${spec.key} must be ≤ ${spec.max}, got ${v}`);
  }
  return merged as MethodParamsMap[K];
}

/**
 * The 0-based step of a `totalSteps` run from which maskd multiplies in the student's masks:
 * round(share × totalSteps); null when the custom mask is off or would start after the last step.
 */
export function customMaskStart(params: Readonly<MaskdParams>, totalSteps: number): number | null {
  if (!params.customMask) return null;
  const start = Math.round(params.customMaskWarmupShare * totalSteps);
  return start < totalSteps ? start : null;
}

/** Whether maskd multiplies in the student's masks at 0-based `step` of a `totalSteps` run. */
export function customMaskActive(params: Readonly<MaskdParams>, step: number, totalSteps: number): boolean {
  const start = customMaskStart(params, totalSteps);
  return start !== null && step >= start;
}

/**
 * MasKD parameters from before the warm-up was a share (run files, links and checkpoints that
 * carry `customMaskWarmup` in steps): the share of a `totalSteps` run it was, at most 1 (a warm-up
 * past the run's end never switched on; 1 does not either). Other keys pass through.
 */
export function upgradeMaskdParams<T extends Readonly<Record<string, unknown>>>(params: T, totalSteps: number): { params: Record<string, unknown>; clampedFrom: number | null } {
  if (!Object.prototype.hasOwnProperty.call(params, 'customMaskWarmup')) return { params: { ...params }, clampedFrom: null };
  const { customMaskWarmup: steps, ...rest } = params as Record<string, unknown>;
  if (typeof steps !== 'number' || !Number.isFinite(steps) || steps < 0) throw new Error(`maskd: customMaskWarmup must be a number of steps ≥ 0, got ${valueText(steps)}`);
  if (Object.prototype.hasOwnProperty.call(rest, 'customMaskWarmupShare')) return { params: rest, clampedFrom: null };
  const share = totalSteps > 0 ? steps / totalSteps : 1;
  return { params: { ...rest, customMaskWarmupShare: Math.min(1, share) }, clampedFrom: share > 1 ? steps : null };
}
