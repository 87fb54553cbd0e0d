// The limits are stated once (src/limits.ts); README "Limits" lists them, row for row, and the
// Setup ranges links and run files are clamped to.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clampSetting, groupDigits, LIMITS, SETTING_RANGES } from './limits';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** A README table row, exactly as README "Limits" writes it. */
export const limitRow = (key: keyof typeof LIMITS): string => `| ${LIMITS[key].what} | ${LIMITS[key].display} | ${LIMITS[key].why} |`;
export const settingRow = (key: keyof typeof SETTING_RANGES): string =>
  `| ${SETTING_RANGES[key].label} | ${groupDigits(SETTING_RANGES[key].min)}–${groupDigits(SETTING_RANGES[key].max)}${SETTING_RANGES[key].integer ? '' : ' (any number)'} |`;

describe('limits', () => {
  it('README "Limits" has one row per limit, with its value and reason as stated in src/limits.ts', () => {
    const section = readme.slice(readme.indexOf('## Limits'));
    expect(readme.indexOf('## Limits')).toBeGreaterThan(readme.indexOf('### Bring your own dataset'));
    for (const key of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) expect(section, key).toContain(limitRow(key));
    for (const key of Object.keys(SETTING_RANGES) as (keyof typeof SETTING_RANGES)[]) expect(section, key).toContain(settingRow(key));
  });

  it('each display states its value', () => {
    for (const [key, spec] of Object.entries(LIMITS)) {
      const shown = spec.display.replace(/ /g, '');
      const candidates = [String(spec.value), `${spec.value / 2 ** 20}MiB`, `${spec.value / 2 ** 30}GiB`, `${spec.value / 1024}KiB`, `${spec.value}s`, '10⁶'];
      expect(candidates.some((c) => shown.includes(c)), `${key}: ${spec.display}`).toBe(true);
    }
  });

  it('clampSetting clamps and rounds, and says what it changed', () => {
    expect(clampSetting('distillBatch', 4096)).toEqual({ value: 128, note: 'Distill: batch size 4 096 is outside 1–128; set to 128' });
    expect(clampSetting('maskSteps', 10_000_000).value).toBe(100_000);
    expect(clampSetting('tau', 0.01)).toEqual({ value: 0.05, note: 'τ 0.01 is outside 0.05–100; set to 0.05' });
    expect(clampSetting('maskLr', 0.5)).toEqual({ value: 0.5, note: null });
    expect(clampSetting('valCount', Infinity)).toEqual({ value: 1, note: 'Distill: validation scenes Infinity is outside 1–1 024; set to 1' });
  });
});
