import { describe, expect, it } from 'vitest';
import { formatByteCount, groupDigits } from './messageNumbers';

describe('numbers in messages', () => {
  it('groupDigits groups by three with spaces and keeps up to three decimals', () => {
    expect(groupDigits(1_600_000_000)).toBe('1 600 000 000');
    expect(groupDigits(-12345.67891)).toBe('-12 345.679');
    expect(groupDigits(999)).toBe('999');
    expect(groupDigits(Infinity)).toBe('Infinity');
  });

  it('formatByteCount writes decimal units', () => {
    expect(formatByteCount(12_800_000_000)).toBe('12.80 GB');
    expect(formatByteCount(4_290_000)).toBe('4.29 MB');
    expect(formatByteCount(1500)).toBe('1.5 kB');
    expect(formatByteCount(12)).toBe('12 bytes');
  });
});
