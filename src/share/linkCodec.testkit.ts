// Test-only helpers for the link codec: fast-check arbitraries of valid states, an independent
// bounds checker for anything a decoder returns, and raw-payload link construction.
import { deflateSync } from 'fflate';
import fc from 'fast-check';
import { encodeBase64Url } from './base64url';
import { crc32 } from './crc32';
import type { LinkHyperParams, LinkState, ModelRef } from './linkSchema';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const identifier = fc.stringMatching(/^[A-Za-z0-9_./-]{1,64}$/);
const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''));

export const modelRefArb: fc.Arbitrary<ModelRef> = fc.oneof(
  identifier.map((id): ModelRef => ({ kind: 'builtin', id })),
  hex64.map((hex): ModelRef => ({ kind: 'sha256', hex })),
);

export const hyperArb: fc.Arbitrary<LinkHyperParams> = fc.record(
  {
    method: fc.constantFrom('none', 'fitnet', 'cwd', 'maskd'),
    lossWeight: fc.double({ min: 0, max: 1e4, noNaN: true }),
    tau: fc.double({ min: 0.05, max: 100, noNaN: true }),
    customMask: fc.boolean(),
    customMaskWarmup: fc.integer({ min: 0, max: 1e7 }),
    customMaskWarmupShare: fc.double({ min: 0, max: 1, noNaN: true }),
    eps: fc.double({ min: 0, max: 1, noNaN: true }),
    tokenWeights: fc.boolean(),
    batchSize: fc.integer({ min: 1, max: 4096 }),
    distillIterations: fc.integer({ min: 0, max: 1e7 }),
    optimizer: fc.constantFrom('adam', 'sgd', 'rmsprop'),
    schedule: fc.constantFrom('cosine', 'poly', 'step'),
    maskMomentum: fc.double({ min: 0, max: 1, noNaN: true }),
    maskWeightDecay: fc.double({ min: 0, max: 10, noNaN: true }),
    maskMinLr: fc.double({ min: 0, max: 10, noNaN: true }),
    tapLayer: identifier,
  },
  { requiredKeys: [] },
);

const floats = (n: number, min: number, max: number): fc.Arbitrary<Float32Array> =>
  fc.float32Array({ minLength: n, maxLength: n, min: Math.fround(min), max: Math.fround(max), noNaN: true, noDefaultInfinity: true });

export interface StateArbOptions {
  maxTokens?: number;
  maxChannels?: number;
  maxPreviews?: number;
  maxMaskSide?: number;
}

/** Valid link states with every optional part sometimes present. */
export function linkStateArb({ maxTokens = 6, maxChannels = 12, maxPreviews = 4, maxMaskSide = 6 }: StateArbOptions = {}): fc.Arbitrary<LinkState> {
  return fc
    .record({
      t: fc.integer({ min: 1, max: maxTokens }),
      c: fc.integer({ min: 1, max: maxChannels }),
      p: fc.integer({ min: 0, max: maxPreviews }),
      h: fc.integer({ min: 1, max: maxMaskSide }),
      w: fc.integer({ min: 1, max: maxMaskSide }),
      scale: fc.constantFrom(1e-3, 1, 1e3, 1e6),
      withBranch: fc.boolean(),
      withMasks: fc.boolean(),
    })
    .chain(({ t, c, p, h, w, scale, withBranch, withMasks }) =>
      fc.record({
        v: fc.constant(1 as const),
        task: fc.constantFrom('segmentation' as const, 'detection' as const, 'custom' as const),
        models: fc.record({ teacher: modelRefArb, student: modelRefArb }),
        seed: u32,
        hyper: hyperArb,
        tokens: floats(t * c, -scale, scale).map((data) => ({ numTokens: t, channels: c, data })),
        tokenWeights: withBranch
          ? fc.record({ kernel3x3: floats(9 * c * c, -1, 1), bias3x3: floats(c, -1, 1), kernel1x1: floats(c * t, -1, 1), bias1x1: floats(t, -1, 1) })
          : fc.constant(undefined),
        previews: fc.array(u32, { minLength: p, maxLength: p }),
        masks: withMasks && p > 0 ? floats(p * h * w * t, 0, 1).map((data) => ({ height: h, width: w, data })) : fc.constant(undefined),
      }),
    )
    .map((s) => {
      const state: LinkState = { v: s.v, task: s.task, models: s.models, seed: s.seed, hyper: s.hyper, tokens: s.tokens, previews: s.previews };
      if (s.tokenWeights) state.tokenWeights = s.tokenWeights;
      if (s.masks) state.masks = s.masks;
      return state;
    });
}

/**
 * Independent of linkSchema's validator: throws when a decoded state breaks any documented bound.
 */
export function assertInBounds(s: LinkState): void {
  const fail = (why: string): never => {
    throw new Error(`decoded state out of bounds: ${why}`);
  };
  if (s.v !== 1) fail('version');
  if (!['segmentation', 'detection', 'custom'].includes(s.task)) fail('task');
  for (const m of [s.models.teacher, s.models.student]) {
    if (m.kind === 'builtin' ? !/^[A-Za-z0-9_./-]{1,64}$/.test(m.id) : !/^[0-9a-f]{64}$/.test(m.hex)) fail('model');
  }
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 0xffffffff) fail('seed');
  const { numTokens: t, channels: c, data } = s.tokens;
  if (!(t >= 1 && t <= 64 && c >= 1 && c <= 2048) || data.length !== t * c) fail('token shape');
  const finite = (a: Float32Array, lim: number): boolean => a.every((v) => Math.abs(v) <= lim);
  if (!finite(data, 1e6)) fail('token values');
  if (s.tokenWeights) {
    const w = s.tokenWeights;
    if (w.kernel3x3.length !== 9 * c * c || w.bias3x3.length !== c || w.kernel1x1.length !== c * t || w.bias1x1.length !== t) fail('branch shape');
    if (![w.kernel3x3, w.bias3x3, w.kernel1x1, w.bias1x1].every((a) => finite(a, 1e6))) fail('branch values');
  }
  if (s.previews.length > 16 || !s.previews.every((p) => Number.isInteger(p) && p >= 0 && p <= 0xffffffff)) fail('previews');
  if (s.masks) {
    const { height: h, width: w, data: m } = s.masks;
    if (!(h >= 1 && h <= 128 && w >= 1 && w <= 128) || m.length !== s.previews.length * h * w * t) fail('mask shape');
    if (!m.every((v) => v >= 0 && v <= 1)) fail('mask values');
  }
  const allowed = new Set(['method', 'lossWeight', 'factor', 'tau', 'customMask', 'customMaskWarmup', 'eps', 'tokenWeights', 'maskLr', 'maskIterations', 'diceWeight', 'distillLr', 'distillIterations', 'batchSize', 'tapLayer', 'schedule', 'optimizer', 'customMaskWarmupShare', 'maskMomentum', 'maskWeightDecay', 'maskMinLr']);
  for (const [k, v] of Object.entries(s.hyper)) {
    if (!allowed.has(k)) fail(`hyper key ${k}`);
    if (typeof v === 'number' && !Number.isFinite(v)) fail(`hyper ${k}`);
    if (typeof v === 'string' && !/^[A-Za-z0-9_./-]{1,64}$/.test(v)) fail(`hyper ${k}`);
  }
}

/** A link around arbitrary payload bytes (a correct CRC appended), to test the parser's own checks. */
export function linkFromBody(body: Uint8Array | number[]): string {
  const bytes = Uint8Array.from(body);
  const payload = new Uint8Array(bytes.length + 4);
  payload.set(bytes);
  new DataView(payload.buffer).setUint32(bytes.length, crc32(bytes), true);
  return `#mkd1.${encodeBase64Url(deflateSync(payload))}`;
}
