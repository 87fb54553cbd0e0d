import { describe, expect, it } from 'vitest';
import { halfToFloat } from './float16';

describe('halfToFloat', () => {
  it('decodes normal, subnormal and special patterns, worked by hand', () => {
    expect(halfToFloat(0x3c00)).toBe(1); // exponent 15, fraction 0
    expect(halfToFloat(0xc000)).toBe(-2); // sign, exponent 16
    expect(halfToFloat(0x3555)).toBeCloseTo(0.333251953125, 12); // 2^-2 · (1 + 341/1024)
    expect(halfToFloat(0x7bff)).toBe(65504); // the largest finite half
    expect(halfToFloat(0x0001)).toBe(2 ** -24); // the smallest subnormal
    expect(halfToFloat(0x0000)).toBe(0);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });
});
