// What the Setup fields accept, and what share links and run files are clamped to when they are
// opened: one range per numeric setting of src/share/settings.ts.
import { LIMITS } from '../limits';
import { groupDigits } from '../messageNumbers';

export interface SettingRange {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  /** The field's label in Setup, for the clamping note. */
  readonly label: string;
}

/**
 * The ranges of the Setup fields. A share link or run file may carry any value its own format
 * allows (the link format takes batch sizes up to 4096 and 10⁷ steps); applying it to Setup clamps
 * to these, with a note naming each clamped setting. The Setup fields read their bounds from here
 * (src/ui/settingRange.ts); docs/share-and-export.md lists them. `maskTokens` is 1–64 like every
 * token reader (the field said 1–32 before: tokens from a link or file may have up to 64, and the
 * field must show what they bring).
 */
export const SETTING_RANGES = {
  maskTokens: { min: 1, max: LIMITS.tokens.value, integer: true, label: 'Learn masks: tokens T' },
  maskSteps: { min: 1, max: 100_000, integer: true, label: 'Learn masks: steps' },
  maskBatch: { min: 1, max: 128, integer: true, label: 'Learn masks: batch size' },
  maskLr: { min: 0, max: 1, integer: false, label: 'Learn masks: learning rate' },
  diceWeight: { min: 0, max: 10_000, integer: false, label: 'Learn masks: Dice weight' },
  maskMomentum: { min: 0, max: 0.999, integer: false, label: 'Learn masks: momentum (SGD)' },
  maskWeightDecay: { min: 0, max: 1, integer: false, label: 'Learn masks: weight decay' },
  maskMinLr: { min: 0, max: 1, integer: false, label: 'Learn masks: final learning rate (cosine)' },
  distillSteps: { min: 1, max: 100_000, integer: true, label: 'Distill: steps' },
  distillBatch: { min: 1, max: 128, integer: true, label: 'Distill: batch size' },
  distillLr: { min: 0, max: 1, integer: false, label: 'Distill: student learning rate' },
  evalEvery: { min: 1, max: 100_000, integer: true, label: 'Distill: validate every' },
  valCount: { min: 1, max: 1024, integer: true, label: 'Distill: validation scenes' },
  compareSeeds: { min: 1, max: 10, integer: true, label: 'Compare: seeds' },
  lossWeight: { min: 0, max: 10_000, integer: false, label: 'λ' },
  factor: { min: 0, max: 100, integer: false, label: 'Factor' },
  tau: { min: 0.05, max: 100, integer: false, label: 'τ' },
  customMaskWarmupShare: { min: 0, max: 1, integer: false, label: 'Custom-mask warm-up (share of the run)' },
  eps: { min: 0, max: 1, integer: false, label: 'ε' },
} as const satisfies Record<string, SettingRange>;

export type SettingKey = keyof typeof SETTING_RANGES;

/** The Setup field (SETTING_RANGES) behind each numeric method parameter of Distill (METHODS' `params`). */
export const METHOD_PARAM_SETTINGS: Readonly<Record<string, SettingKey>> = {
  lossWeight: 'lossWeight',
  factor: 'factor',
  tau: 'tau',
  customMaskWarmupShare: 'customMaskWarmupShare',
  eps: 'eps',
};

/** `value` clamped into the setting's range (rounded when the setting is an integer), and whether it changed. */
export function clampSetting(key: SettingKey, value: number): { value: number; note: string | null } {
  const r: SettingRange = SETTING_RANGES[key];
  if (!Number.isFinite(value)) return { value: r.min, note: `${r.label} ${String(value)} is outside ${groupDigits(r.min)}–${groupDigits(r.max)}; set to ${groupDigits(r.min)}` };
  let v = Math.min(r.max, Math.max(r.min, value));
  if (r.integer) v = Math.min(r.max, Math.max(r.min, Math.round(v)));
  if (v === value) return { value, note: null };
  return { value: v, note: `${r.label} ${groupDigits(value)} is outside ${groupDigits(r.min)}–${groupDigits(r.max)}; set to ${groupDigits(v)}` };
}
