// The Setup fields' bounds, from the one table links and run files are clamped to
// (src/share/settingRanges.ts SETTING_RANGES): a value a link or run file brings in is always one its field takes.
import { METHOD_PARAM_SETTINGS, SETTING_RANGES, type SettingKey } from '../share/settingRanges';

export interface FieldRange {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

/** min, max and integer of a Setup field. */
export function rangeOf(key: SettingKey): FieldRange {
  const { min, max, integer } = SETTING_RANGES[key];
  return { min, max, integer };
}

/** The range of a method parameter's field: its Setup range where it has one, else the method's own bounds. */
export function paramRange(key: string, spec: { readonly min?: number; readonly max?: number; readonly kind: string }): { min?: number; max?: number; integer: boolean } {
  const setting = Object.prototype.hasOwnProperty.call(METHOD_PARAM_SETTINGS, key) ? METHOD_PARAM_SETTINGS[key] : undefined;
  return setting ? rangeOf(setting) : { min: spec.min, max: spec.max, integer: spec.kind === 'integer' };
}
