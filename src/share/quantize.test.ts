import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from './base64url';
import { crc32 } from './crc32';
import { UNIT_ERROR_BOUND, dequantizeRows, dequantizeUnit, quantizationErrorBound, quantizeRows, quantizeUnit, type QuantBits } from './quantize';

describe('quantizeRows', () => {
  it('stays within (max − min) / (2·(L − 1)) per row, plus float32 rounding', () => {
    const arb = fc.tuple(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 40 }),
      fc.constantFrom<QuantBits>(8, 16),
      fc.constantFrom(1e-6, 1, 1e6),
    ).chain(([rows, len, bits, scale]) =>
      fc.tuple(fc.float32Array({ minLength: rows * len, maxLength: rows * len, min: Math.fround(-scale), max: Math.fround(scale), noNaN: true, noDefaultInfinity: true }), fc.constant(len), fc.constant(bits)),
    );
    fc.assert(
      fc.property(arb, ([data, len, bits]) => {
        const q = quantizeRows(data, len, bits);
        const back = dequantizeRows(q);
        for (let r = 0; r < q.mins.length; r++) {
          const tol = quantizationErrorBound(q.mins[r], q.maxs[r], bits) + 2 ** -24 * Math.max(Math.abs(q.mins[r]), Math.abs(q.maxs[r])) + 2 ** -149;
          for (let i = r * len; i < (r + 1) * len; i++) {
            expect(Math.abs(back[i] - data[i])).toBeLessThanOrEqual(tol);
            expect(back[i]).toBeGreaterThanOrEqual(q.mins[r]);
            expect(back[i]).toBeLessThanOrEqual(q.maxs[r]);
            expect(q.codes[i]).toBeLessThan(2 ** bits);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('hits the bound (it is tight) and keeps min, max and constant rows exact', () => {
    const q = quantizeRows(new Float32Array([0, 1 / 510, 1, 5, 5]), 5, 8);
    expect(quantizationErrorBound(0, 5, 8)).toBeCloseTo(5 / 510, 12);
    const back = dequantizeRows(q);
    expect(back[0]).toBe(0);
    expect(back[3]).toBe(5);
    const c = dequantizeRows(quantizeRows(new Float32Array([-3.25, -3.25]), 2, 16));
    expect(Array.from(c)).toEqual([-3.25, -3.25]);
  });

  it('masks in [0, 1] at 8 bits within 1/510', () => {
    fc.assert(
      fc.property(fc.float32Array({ min: 0, max: 1, noNaN: true, maxLength: 200 }), (data) => {
        const back = dequantizeUnit(quantizeUnit(data));
        for (let i = 0; i < data.length; i++) expect(Math.abs(back[i] - data[i])).toBeLessThanOrEqual(UNIT_ERROR_BOUND + 2 ** -24);
      }),
    );
    expect(UNIT_ERROR_BOUND).toBe(1 / 510);
  });
});

describe('base64url and crc32', () => {
  it('base64url matches Node\'s encoder and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const s = encodeBase64Url(b);
        expect(s).toBe(Buffer.from(b).toString('base64url'));
        expect(decodeBase64Url(s)).toEqual(b);
      }),
    );
  });

  it('base64url rejects non-canonical and foreign input', () => {
    expect(decodeBase64Url('AB')).toBeNull(); // padding bits set
    expect(decodeBase64Url('AAA=')).toBeNull();
    expect(decodeBase64Url('A+/A')).toBeNull();
    expect(decodeBase64Url('AAAAA')).toBeNull(); // length ≡ 1 (mod 4)
    expect(decodeBase64Url('AAAé')).toBeNull();
    expect(decodeBase64Url('')).toEqual(new Uint8Array(0));
  });

  it('crc32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});
