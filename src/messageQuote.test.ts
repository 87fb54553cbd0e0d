// What a message may repeat of a file: at most LIMITS.quoteChars characters of any name, key,
// shape or value, whatever its length (property-based over string and list lengths).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits';
import { clip, quote, shapeText, valueText } from './messageQuote';

const MAX = LIMITS.quoteChars.value;
/** What a quote adds around the quoted text at most: quotes, "…" and " (12 345 678 characters)". */
const MARKS = 40;

describe('messages quote at most ~80 characters of a file', () => {
  it('a name of any length is quoted whole up to the cap and cut after it, with its length', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2_000_000 }), fc.constantFrom('a', 'é', '😀', '"'), (n, ch) => {
        const name = ch.repeat(Math.ceil(n / ch.length));
        const q = quote(name);
        expect(q.length).toBeLessThanOrEqual(MAX + MARKS);
        if (name.length <= MAX) expect(q).toBe(`"${name}"`);
        else expect(q).toMatch(new RegExp(`…" \\(${String(name.length).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} characters\\)$`));
        // Never half a surrogate pair.
        expect(() => encodeURIComponent(q)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('a shape of any length, and any JSON value, stays under the cap', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.double(), fc.string()), { maxLength: 5000 }), (list) => {
        expect(shapeText(list).length).toBeLessThanOrEqual(MAX + MARKS);
        expect(valueText(list).length).toBeLessThanOrEqual(MAX + MARKS);
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(valueText(v).length).toBeLessThanOrEqual(MAX + MARKS);
      }),
    );
    expect(shapeText([3, 3, 64, 64])).toBe('[3,3,64,64]');
    expect(shapeText(Array.from({ length: 1_000_000 }, () => 7))).toMatch(/^\[7,7,.*…\] \(1000000 entries\)$/);
    expect(valueText({ a: 1, b: 2 })).toBe('an object with keys "a", "b"');
  });

  it('a value nested to any depth is described, never turned into text whole', () => {
    const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)) as unknown;
    expect(quote(deep)).toBe('[object]');
    expect(valueText({ a: deep })).toBe('an object with keys "a"');
  });

  it('clip cuts any text to the length asked for, with a mark', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('x'.repeat(5000), 100)).toMatch(/^x{99}… \(5 000 characters\)$/);
  });
});
