// The Setup ranges links and run files are clamped to: docs/share-and-export.md lists them row for
// row, and clampSetting says what it changed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupDigits } from '../messageNumbers';
import { clampSetting, SETTING_RANGES, type SettingKey } from './settingRanges';

const doc = readFileSync(new URL('../../docs/share-and-export.md', import.meta.url), 'utf8');

/** A table row, exactly as docs/share-and-export.md "Setup ranges" writes it. */
const settingRow = (key: SettingKey): string =>
  `| ${SETTING_RANGES[key].label} | ${groupDigits(SETTING_RANGES[key].min)}–${groupDigits(SETTING_RANGES[key].max)}${SETTING_RANGES[key].integer ? '' : ' (any number)'} |`;

describe('setting ranges', () => {
  it('docs/share-and-export.md "Setup ranges" has one row per setting, with its range', () => {
    expect(doc.indexOf('## Setup ranges')).toBeGreaterThan(-1);
    const section = doc.slice(doc.indexOf('## Setup ranges'));
    for (const key of Object.keys(SETTING_RANGES) as SettingKey[]) expect(section, key).toContain(settingRow(key));
  });

  it('clampSetting clamps and rounds, and says what it changed', () => {
    expect(clampSetting('distillBatch', 4096)).toEqual({ value: 128, note: 'Distill: batch size 4 096 is outside 1–128; set to 128' });
    expect(clampSetting('maskSteps', 10_000_000).value).toBe(100_000);
    expect(clampSetting('tau', 0.01)).toEqual({ value: 0.05, note: 'τ 0.01 is outside 0.05–100; set to 0.05' });
    expect(clampSetting('maskLr', 0.5)).toEqual({ value: 0.5, note: null });
    expect(clampSetting('valCount', Infinity)).toEqual({ value: 1, note: 'Distill: validation scenes Infinity is outside 1–1 024; set to 1' });
  });
});
