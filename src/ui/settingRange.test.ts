// The Setup fields take exactly the ranges links and run files are clamped to (SETTING_RANGES),
// and those ranges lie inside what each method accepts.
import { describe, expect, it } from 'vitest';
import { METHODS, METHOD_NAMES } from '../maskd/methods';
import { LIMITS } from '../limits';
import { clampSetting, METHOD_PARAM_SETTINGS, SETTING_RANGES, type SettingKey } from '../share/settingRanges';
import { paramRange, rangeOf } from './settingRange';

describe('Setup field ranges', () => {
  it('tokens T take 1–64, the limit every token reader applies', () => {
    expect(rangeOf('maskTokens')).toEqual({ min: 1, max: LIMITS.tokens.value, integer: true });
    expect(LIMITS.tokens.value).toBe(64);
  });

  it('every numeric method parameter with a Setup range gets it, and it lies inside the method’s own bounds', () => {
    let seen = 0;
    for (const name of METHOD_NAMES) {
      for (const spec of METHODS[name].params) {
        if (spec.kind === 'boolean') continue;
        const r = paramRange(spec.key, spec);
        const setting = METHOD_PARAM_SETTINGS[spec.key] as SettingKey | undefined;
        if (!setting) {
          expect(r).toEqual({ min: spec.min, max: spec.max, integer: spec.kind === 'integer' });
          continue;
        }
        seen++;
        expect(r, `${name}.${spec.key}`).toEqual(rangeOf(setting));
        expect(r.min, `${name}.${spec.key}`).toBeGreaterThanOrEqual(spec.min ?? -Infinity);
        expect(r.max, `${name}.${spec.key}`).toBeLessThanOrEqual(spec.max ?? Infinity);
        expect(r.integer, `${name}.${spec.key}`).toBe(spec.kind === 'integer');
      }
    }
    // λ in three methods, τ, Factor, the warm-up and ε.
    expect(seen).toBe(7);
  });

  it('a value a field accepts is never clamped, and one it refuses always is', () => {
    for (const key of Object.keys(SETTING_RANGES) as SettingKey[]) {
      const { min, max } = rangeOf(key);
      expect(clampSetting(key, min).note, key).toBeNull();
      expect(clampSetting(key, max).note, key).toBeNull();
      expect(clampSetting(key, max + 1).note, key).not.toBeNull();
      expect(clampSetting(key, min - 1).note, key).not.toBeNull();
    }
  });
});
