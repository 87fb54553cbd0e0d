import { describe, expect, it } from 'vitest';
import { formatEta, formatFlops, formatNumber, formatParams, formatPercent, formatReadable, formatShape, fullPrecision } from './format';

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

  it('formats areas and losses for reading: 2–3 significant digits, <0.001 below that', () => {
    // The token areas of the shipped segmentation tokens.
    expect(formatReadable(0.004442)).toBe('0.004');
    expect(formatReadable(7.04e-5)).toBe('<0.001');
    expect(formatReadable(0.8226)).toBe('0.82');
    expect(formatReadable(0.01165)).toBe('0.012');
    expect(formatReadable(0.1668)).toBe('0.17');
    expect(formatReadable(0.1668, 3)).toBe('0.167');
    expect(formatReadable(0.001)).toBe('0.001');
    expect(formatReadable(0.0999)).toBe('0.10');
    expect(formatReadable(0.8)).toBe('0.80');
    expect(formatReadable(0.09, 3)).toBe('0.0900');
    expect(formatReadable(2.1)).toBe('2.10');
    expect(formatReadable(1.23456)).toBe('1.23');
    expect(formatReadable(12.345)).toBe('12.3');
    expect(formatReadable(123.45)).toBe('123');
    expect(formatReadable(98_765.4)).toBe('98765');
    expect(formatReadable(2.5e7)).toBe('2.50e7');
    expect(formatReadable(-0.25)).toBe('−0.25');
    expect(formatReadable(-2e-5)).toBe('>−0.001');
    expect(formatReadable(0)).toBe('0');
    expect(formatReadable(Number.NaN)).toBe('NaN');
    expect(formatReadable(-Infinity)).toBe('−∞');
    expect(formatReadable(undefined)).toBe('—');
  });

  it('keeps full precision for tooltips', () => {
    expect(fullPrecision(0.004442123)).toBe('0.004442123');
    expect(fullPrecision(7.04e-5)).toBe('0.0000704');
    expect(fullPrecision(null)).toBe('');
  });
});
