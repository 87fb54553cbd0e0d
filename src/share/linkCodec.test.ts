import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeDegradation, decodeLink, encodeLink, isShareHash, linkErrorBounds } from './linkCodec';
import { assertInBounds, linkStateArb } from './linkCodec.testkit';
import { clampLinkSettings, type LinkState } from './linkSchema';
import { UNIT_ERROR_BOUND, quantizationErrorBound, type QuantBits } from './quantize';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const randomFloats = (n: number, seed: number, lo = -1, hi = 1): Float32Array => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
};

function baseState(t = 6, c = 16): LinkState {
  return {
    v: 1,
    task: 'detection',
    models: { teacher: { kind: 'builtin', id: 'digits-teacher-m' }, student: { kind: 'sha256', hex: 'ab'.repeat(32) } },
    seed: 4_000_000_000,
    hyper: { method: 'maskd', lossWeight: 7, customMask: true, customMaskWarmup: 1000, eps: 1e-5, tapLayer: 'neck/relu_2' },
    tokens: { numTokens: t, channels: c, data: randomFloats(t * c, 1, -0.05, 0.05) },
    previews: [1, 2, 3],
  };
}

/** Every decoded value within the stated bound of what the encoder says it encoded; ints and strings exact. */
function expectWithinBounds(decoded: LinkState, encoded: LinkState, bits: QuantBits): void {
  expect(decoded.task).toBe(encoded.task);
  expect(decoded.models).toEqual(encoded.models);
  expect(decoded.seed).toBe(encoded.seed);
  // Settings come back clamped to the Setup fields' ranges (src/share/settingRanges.ts SETTING_RANGES).
  expect(decoded.hyper).toEqual(Object.fromEntries(Object.entries(clampLinkSettings(encoded).state.hyper).filter(([, v]) => v !== undefined)));
  expect(decoded.previews).toEqual(encoded.previews);
  const { numTokens: t, channels: c, data } = encoded.tokens;
  expect([decoded.tokens.numTokens, decoded.tokens.channels]).toEqual([t, c]);
  const close = (got: Float32Array, want: Float32Array, rowLength: number): void => {
    expect(got.length).toBe(want.length);
    for (let r = 0; r * rowLength < want.length; r++) {
      const row = want.subarray(r * rowLength, (r + 1) * rowLength);
      const lo = Math.min(...row);
      const hi = Math.max(...row);
      // Stated bound plus float32 rounding of the decoded value.
      const tol = quantizationErrorBound(lo, hi, bits) + 2 ** -24 * Math.max(Math.abs(lo), Math.abs(hi)) + 2 ** -149;
      for (let i = 0; i < row.length; i++) {
        const err = Math.abs(got[r * rowLength + i] - row[i]);
        if (!(err <= tol)) throw new Error(`row ${r} value ${i}: |${got[r * rowLength + i]} − ${row[i]}| = ${err} > ${tol}`);
      }
    }
  };
  close(decoded.tokens.data, data, c);
  expect(decoded.tokenWeights === undefined).toBe(encoded.tokenWeights === undefined);
  if (encoded.tokenWeights && decoded.tokenWeights) {
    for (const k of ['kernel3x3', 'bias3x3', 'kernel1x1', 'bias1x1'] as const) close(decoded.tokenWeights[k], encoded.tokenWeights[k], encoded.tokenWeights[k].length);
  }
  expect(decoded.masks === undefined).toBe(encoded.masks === undefined);
  if (encoded.masks && decoded.masks) {
    expect([decoded.masks.height, decoded.masks.width]).toEqual([encoded.masks.height, encoded.masks.width]);
    const want = encoded.masks.data;
    for (let i = 0; i < want.length; i++) {
      const err = Math.abs(decoded.masks.data[i] - want[i]);
      if (!(err <= UNIT_ERROR_BOUND + 2 ** -24)) throw new Error(`mask value ${i}: error ${err}`);
    }
  }
}

describe('link codec: round trip', () => {
  it('encodes a typical state compactly and decodes it within the stated bounds', () => {
    const state = baseState();
    const enc = encodeLink(state);
    if (!enc.ok) throw new Error(enc.error);
    expect(enc.hash.startsWith('#mkd1.')).toBe(true);
    expect(isShareHash(enc.hash)).toBe(true);
    expect(enc.degraded).toEqual([]);
    // 96 random (incompressible) 16-bit codes + 6 row ranges + header ≈ 340 bytes → base64; JSON of the floats alone is ~2 KB.
    expect(enc.hash.length).toBeLessThan(500);
    const dec = decodeLink(enc.hash);
    if (!dec.ok) throw new Error(dec.error);
    expect(dec.tokenBits).toBe(16);
    expectWithinBounds(dec.state, state, 16);
    expect(decodeLink(`https://example.org/maskd/${enc.hash}`)).toEqual(dec);
    expect(decodeLink(enc.hash.slice(1))).toEqual(dec);
    const bounds = linkErrorBounds(state, 16);
    expect(bounds.tokens).toBeLessThan(0.1 / 65535);
    expect(bounds.masks).toBe(0);
  });

  it('holds on many random states (property-based, 8 and 16 bits)', () => {
    fc.assert(
      fc.property(linkStateArb(), fc.constantFrom<QuantBits>(8, 16), (state, bits) => {
        const enc = encodeLink(state, { tokenBits: bits });
        if (!enc.ok) throw new Error(enc.error);
        expect(enc.degraded).toEqual([]);
        expect(enc.hash.length).toBeLessThanOrEqual(32 * 1024);
        const dec = decodeLink(enc.hash);
        if (!dec.ok) throw new Error(dec.error);
        expect(dec.tokenBits).toBe(bits);
        assertInBounds(dec.state);
        expectWithinBounds(dec.state, state, bits);
      }),
      { numRuns: 300 },
    );
  });

  it('is exact for constant rows, and for 0/1 masks', () => {
    const state = baseState(2, 3);
    state.tokens.data = new Float32Array([0.25, 0.25, 0.25, -7, -7, -7]);
    state.masks = { height: 2, width: 2, data: Float32Array.from({ length: 3 * 4 * 2 }, (_, i) => i % 2) };
    const enc = encodeLink(state);
    const dec = enc.ok ? decodeLink(enc.hash) : enc;
    if (!dec.ok) throw new Error(dec.error);
    expect(Array.from(dec.state.tokens.data)).toEqual([0.25, 0.25, 0.25, -7, -7, -7]);
    expect(Array.from(dec.state.masks?.data ?? [])).toEqual(Array.from(state.masks.data));
  });

  it('refuses to encode invalid states, with a reason', () => {
    const bad = (mutate: (s: LinkState) => void): string => {
      const s = baseState();
      mutate(s);
      const r = encodeLink(s);
      return r.ok ? 'ok' : r.error;
    };
    expect(bad((s) => (s.tokens.data[3] = NaN))).toMatch(/tokens holds a value that is not finite/);
    expect(bad((s) => (s.models.teacher = { kind: 'builtin', id: 'javascript:alert(1)' }))).toMatch(/teacher model id/);
    expect(bad((s) => (s.hyper = { ...s.hyper, lossWeight: -1 }))).toMatch(/lossWeight/);
    expect(bad((s) => ((s.hyper as Record<string, unknown>).secret = 1))).toMatch(/"secret" is not one a link may carry/);
    expect(bad((s) => (s.previews = Array.from({ length: 17 }, (_, i) => i)))).toMatch(/at most 16/);
    expect(bad((s) => (s.tokens = { numTokens: 65, channels: 1, data: new Float32Array(65) }))).toMatch(/1–64/);
    expect(bad((s) => (s.masks = { height: 2, width: 2, data: new Float32Array(3 * 4 * 6).fill(1.5) }))).toMatch(/\[0, 1\]/);
  });
});

function smoothMasks(p: number, h: number, w: number, t: number): Float32Array {
  const out = new Float32Array(p * h * w * t);
  for (let i = 0; i < p; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < t; k++) out[((i * h + y) * w + x) * t + k] = 1 / (1 + Math.exp(-Math.sin((x + 3 * k) / 9 + i) * Math.cos((y - k) / 7) * 6));
  return out;
}

describe('link codec: size cap and degradation', () => {
  it('drops only the branch when that is enough', () => {
    const state = baseState(8, 64);
    state.tokenWeights = { kernel3x3: randomFloats(9 * 64 * 64, 2), bias3x3: randomFloats(64, 3), kernel1x1: randomFloats(64 * 8, 4), bias1x1: randomFloats(8, 5) };
    const enc = encodeLink(state);
    if (!enc.ok) throw new Error(enc.error);
    expect(enc.degraded).toEqual([{ kind: 'dropped-token-weights' }]);
    expect(enc.state.tokenWeights).toBeUndefined();
    expect(enc.hash.length).toBeLessThanOrEqual(32 * 1024);
    expect(describeDegradation(enc.degraded[0])).toMatch(/token-weight branch/);
  });

  it('keeps a small branch', () => {
    const state = baseState(4, 8);
    state.tokenWeights = { kernel3x3: randomFloats(9 * 64, 2), bias3x3: randomFloats(8, 3), kernel1x1: randomFloats(32, 4), bias1x1: randomFloats(4, 5) };
    const enc = encodeLink(state);
    expect(enc.ok && enc.degraded).toEqual([]);
  });

  it('degrades a huge state in the fixed order, reports it, and the link decodes to what it reports', () => {
    const t = 8;
    const state = baseState(t, 64);
    state.task = 'custom';
    state.previews = Array.from({ length: 16 }, (_, i) => 100 + i);
    state.tokenWeights = { kernel3x3: randomFloats(9 * 64 * 64, 2), bias3x3: randomFloats(64, 3), kernel1x1: randomFloats(64 * t, 4), bias1x1: randomFloats(t, 5) };
    state.masks = { height: 128, width: 128, data: randomFloats(16 * 128 * 128 * t, 6, 0, 1) }; // noise: incompressible
    const enc = encodeLink(state);
    if (!enc.ok) throw new Error(enc.error);
    expect(enc.hash.length).toBeLessThanOrEqual(32 * 1024);
    const kinds = enc.degraded.map((d) => d.kind);
    expect(kinds).toEqual(['dropped-token-weights', 'fewer-previews', 'coarser-tokens', 'smaller-masks']);
    const fewer = enc.degraded.find((d) => d.kind === 'fewer-previews');
    const smaller = enc.degraded.find((d) => d.kind === 'smaller-masks');
    const dec = decodeLink(enc.hash);
    if (!dec.ok) throw new Error(dec.error);
    expect(dec.tokenBits).toBe(8);
    expect(dec.state.previews).toEqual(state.previews.slice(0, fewer?.kind === 'fewer-previews' ? fewer.to : 16));
    expect(smaller?.kind === 'smaller-masks' && [dec.state.masks?.height, dec.state.masks?.width]).toEqual(smaller?.kind === 'smaller-masks' && smaller.to);
    expectWithinBounds(dec.state, enc.state, 8);
  });

  it('fits smooth (realistic) masks at full preview count by shrinking them', () => {
    const t = 8;
    const state = baseState(t, 32);
    state.task = 'custom';
    state.previews = Array.from({ length: 16 }, (_, i) => i);
    state.masks = { height: 64, width: 64, data: smoothMasks(16, 64, 64, t) };
    const enc = encodeLink(state);
    if (!enc.ok) throw new Error(enc.error);
    expect(enc.hash.length).toBeLessThanOrEqual(32 * 1024);
    expect(enc.state.previews.length).toBeGreaterThanOrEqual(1);
    const dec = decodeLink(enc.hash);
    expect(dec.ok).toBe(true);
  });

  it('honours a lower cap and reports fewer previews first', () => {
    const state = baseState(4, 8);
    state.task = 'custom';
    state.previews = Array.from({ length: 8 }, (_, i) => i);
    state.masks = { height: 16, width: 16, data: randomFloats(8 * 256 * 4, 9, 0, 1) };
    const enc = encodeLink(state, { maxHashChars: 8000 });
    if (!enc.ok) throw new Error(enc.error);
    expect(enc.hash.length).toBeLessThanOrEqual(8000);
    expect(enc.degraded[0]).toMatchObject({ kind: 'fewer-previews', from: 8 });
  });

  it('errors when even the most degraded link does not fit', () => {
    const state = baseState(64, 2048);
    state.tokens.data = randomFloats(64 * 2048, 7);
    const enc = encodeLink(state);
    expect(enc.ok).toBe(false);
    if (!enc.ok) expect(enc.error).toMatch(/does not fit in a 32 KB link/);
  });
});
