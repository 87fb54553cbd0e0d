import { describe, expect, it } from 'vitest';
import { formatEta, formatFlops, formatNumber, formatParams, formatPercent, formatShape } from './format';

describe('formatters', () => {
  it('formats ETAs', () => {
    expect(formatEta(0)).toBe('0:00');
    expect(formatEta(65_000)).toBe('1:05');
    expect(formatEta(3_723_000)).toBe('1:02:03');
    expect(formatEta(Number.NaN)).toBe('—');
    expect(formatEta(-1)).toBe('—');
    expect(formatEta(undefined)).toBe('—');
  });

  it('formats FLOPs and parameter counts with SI prefixes', () => {
    expect(formatFlops(12_345_678)).toBe('12.3 MFLOPs');
    expect(formatFlops(2.5e9)).toBe('2.50 GFLOPs');
    expect(formatFlops(512)).toBe('512 FLOPs');
    expect(formatParams(48_213)).toBe('48.2 k');
    expect(formatParams(900)).toBe('900');
  });

  it('formats losses, shapes and percentages', () => {
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0.00001234)).toBe('1.23e-5');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Infinity)).toBe('∞');
    expect(formatNumber(null)).toBe('—');
    expect(formatShape([16, 16, 64])).toBe('[16, 16, 64]');
    expect(formatPercent(0.8312)).toBe('83.1 %');
  });
});
