import { describe, expect, it } from 'vitest';
import { effectiveTokens } from './tokens';

describe('effectiveTokens', () => {
  it('hand-worked: exp of the entropy of the weights', () => {
    // Two tokens share the weight equally: H = ln 2, exp(H) = 2.
    expect(effectiveTokens([0.5, 0.5, 0, 0])).toBeCloseTo(2, 12);
    // One token carries it all: H = 0.
    expect(effectiveTokens([0, 1, 0, 0, 0, 0])).toBe(1);
    // Six equal weights: H = ln 6.
    expect(effectiveTokens(new Array(6).fill(1 / 6))).toBeCloseTo(6, 12);
    // [0.25, 0.75]: H = −(0.25·ln 0.25 + 0.75·ln 0.75) = 0.5623351446, exp(H) = 1.7547654.
    expect(effectiveTokens([0.25, 0.75])).toBeCloseTo(1.7547654, 6);
  });

  it('the shipped detection weights before issue 28 (one token ≥ 1.0, the rest ≤ 4e-24) are one token', () => {
    const w = [4e-24, 1, 3e-25, 1e-30, 2e-24, 4e-24];
    expect(effectiveTokens(w).toFixed(2)).toBe('1.00');
  });

  it('normalises weights that do not sum to 1 (a mean of rounded softmaxes)', () => {
    expect(effectiveTokens([1, 1, 1])).toBeCloseTo(3, 12);
    expect(effectiveTokens([2, 2, 0, 0])).toBeCloseTo(2, 12);
  });

  it('is NaN for no mass, a negative or a non-finite weight', () => {
    expect(effectiveTokens([])).toBeNaN();
    expect(effectiveTokens([0, 0])).toBeNaN();
    expect(effectiveTokens([0.5, -0.1, 0.6])).toBeNaN();
    expect(effectiveTokens([0.5, Number.NaN])).toBeNaN();
    expect(effectiveTokens([0.5, Infinity])).toBeNaN();
  });
});
