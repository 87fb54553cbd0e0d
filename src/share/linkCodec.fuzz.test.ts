import { deflateSync } from 'fflate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpuTimed } from '../fuzz.testkit';
import { decodeBase64Url, encodeBase64Url } from './base64url';
import { writeLinkPayload } from './linkBinary';
import { decodeLink, encodeLink } from './linkCodec';
import { assertInBounds, linkFromBody, linkStateArb } from './linkCodec.testkit';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** decodeLink must return (never throw), and anything it accepts must be in bounds. */
function check(input: unknown): boolean {
  const r = decodeLink(input);
  if (r.ok) assertInBounds(r.state);
  else expect(r.error).toMatch(/^This share link cannot be opened: .+\.$/);
  return r.ok;
}

const f32 = (v: number): number[] => Array.from(new Uint8Array(new Float32Array([v]).buffer));
const f64 = (v: number): number[] => Array.from(new Uint8Array(new Float64Array([v]).buffer));
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

interface BodyParts {
  flags: number[];
  task: number[];
  teacher: number[];
  student: number[];
  seed: number[];
  hyper: number[];
  previews: number[];
  dims: number[];
  tokens: number[];
  rest: number[];
}

/** A minimal valid payload body (T = C = 1, 16 bits), with any part replaced. */
function body(over: Partial<BodyParts> = {}): number[] {
  const p: BodyParts = {
    flags: [0], task: [1], teacher: [0, 1, 97], student: [0, 1, 98], seed: [1, 0, 0, 0], hyper: [0], previews: [0],
    dims: [1, 1, 0, 16], tokens: [...f32(-1), ...f32(1), 0x80, 0x00], rest: [], ...over,
  };
  return [...p.flags, ...p.task, ...p.teacher, ...p.student, ...p.seed, ...p.hyper, ...p.previews, ...p.dims, ...p.tokens, ...p.rest];
}

function errorOf(hash: unknown): string {
  const r = decodeLink(hash);
  return r.ok ? 'ok' : r.error;
}

describe('decodeLink rejects malformed payloads with a reason (valid checksum, bad content)', () => {
  it('accepts the minimal valid body', () => {
    const r = decodeLink(linkFromBody(body()));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.state.tokens.data[0]).toBeCloseTo(1 / 65535, 9);
  });

  it.each<[string, Partial<BodyParts>, RegExp]>([
    ['unknown flags', { flags: [4] }, /features this version does not know/],
    ['unknown task', { task: [3] }, /unknown task/],
    ['unknown model kind', { teacher: [2] }, /unknown kind/],
    ['URL-like model id', { teacher: [0, 6, ...ascii('java:x')] }, /not a plain identifier/],
    ['empty model id', { student: [0, 0] }, /not a plain identifier/],
    ['unknown hyper-parameter', { hyper: [1, 200, 0] }, /unknown hyper-parameter #200/],
    ['NaN hyper-parameter', { hyper: [1, 1, 2, ...f64(NaN)] }, /"lossWeight" must be a number/],
    ['huge hyper-parameter', { hyper: [1, 1, 2, ...f64(1e300)] }, /"lossWeight" must be a number in \[0, 10000\]/],
    ['duplicate hyper-parameter', { hyper: [2, 4, 1, 4, 0] }, /appears twice/],
    ['hyper-parameter of the wrong type', { hyper: [1, 4, 2, ...f64(1)] }, /"customMask" must be true or false/],
    ['enum hyper-parameter outside its values', { hyper: [1, 0, 3, 4, ...ascii('evil')] }, /"method" must be one of/],
    ['unknown hyper-parameter type', { hyper: [1, 1, 9] }, /unknown type/],
    ['17 previews', { previews: [17] }, /at most 16/],
    ['0 tokens', { dims: [0, 1, 0, 16] }, /1–64/],
    ['65 tokens', { dims: [65, 1, 0, 16] }, /1–64/],
    ['0 channels', { dims: [1, 0, 0, 16] }, /1–2048/],
    ['2049 channels', { dims: [1, 1, 8, 16] }, /1–2048/],
    ['12-bit quantisation', { dims: [1, 1, 0, 12] }, /unknown quantisation/],
    ['min above max', { tokens: [...f32(1), ...f32(0), 0, 0] }, /invalid value range/],
    ['infinite range', { tokens: [...f32(-Infinity), ...f32(0), 0, 0] }, /invalid value range/],
    ['NaN range', { tokens: [...f32(NaN), ...f32(0), 0, 0] }, /invalid value range/],
    ['values beyond 1e6', { tokens: [...f32(-2e6), ...f32(0), 0, 0] }, /invalid value range/],
    ['masks without previews', { flags: [2], rest: [1, 1, 0] }, /mask images but no previews/],
    ['129-pixel masks', { flags: [2], previews: [1, 0, 0, 0, 0], rest: [129, 1] }, /1–128 pixels/],
    ['trailing data', { rest: [0] }, /unexpected trailing data/],
    ['truncated codes', { tokens: [...f32(-1), ...f32(1), 0] }, /cut short/],
    ['a branch announced for C = 2048, T = 64 with no data', { flags: [1], dims: [64, 0, 8, 16], tokens: [] }, /cut short/],
  ])('%s', (_what, parts, message) => {
    expect(errorOf(linkFromBody(body(parts)))).toMatch(message);
  });

  it('checks the checksum, version, prefix, alphabet and length', () => {
    const good = linkFromBody(body());
    const bytes = decodeBase64Url(good.slice(6)) as Uint8Array;
    const payload = new Uint8Array(body().length + 4); // all-zero checksum
    payload.set(body());
    expect(errorOf(`#mkd1.${encodeBase64Url(deflateSync(payload))}`)).toMatch(/checksum mismatch/);
    expect(errorOf(`#mkd2.${good.slice(6)}`)).toMatch(/format version 2; this app reads version 1/);
    expect(errorOf('#hello')).toMatch(/not a MasKD share link/);
    expect(errorOf('')).toMatch(/not a MasKD share link/);
    expect(errorOf(`#mkd1.${good.slice(6)}=`)).toMatch(/characters that do not belong/);
    expect(errorOf(`#mkd1.${'A'.repeat(40_000)}`)).toMatch(/longer than the 32 KB limit/);
    expect(errorOf(`#mkd1.${encodeBase64Url(bytes.subarray(0, bytes.length - 3))}`)).toMatch(/damaged|cut short/);
    expect(errorOf(`#mkd1.${encodeBase64Url(new Uint8Array([0xff, 0xff, 0xff]))}`)).toMatch(/compressed data is invalid/);
    expect(errorOf(undefined)).toMatch(/no link text/);
    expect(errorOf(42)).toMatch(/no link text/);
  });

  it('rejects a decompression bomb without inflating it fully into memory', () => {
    const bomb = deflateSync(new Uint8Array(20 * 1024 * 1024), { level: 9 }); // 20 MiB of zeros
    const hash = `#mkd1.${encodeBase64Url(bomb)}`;
    expect(hash.length).toBeLessThanOrEqual(32 * 1024);
    // CPU time of this process, not wall time: the machine's load does not stretch it.
    const { value, cpuMs } = cpuTimed(() => errorOf(hash));
    expect(value).toMatch(/decompresses to more than 2 MiB/);
    expect(cpuMs).toBeLessThan(5000);
    // Just over the limit is refused too; exactly a valid payload is not affected.
    expect(errorOf(`#mkd1.${encodeBase64Url(deflateSync(new Uint8Array(2 * 1024 * 1024 + 1)))}`)).toMatch(/more than 2 MiB/);
  });
});

describe('decodeLink fuzzing: never throws, never accepts out-of-bounds values', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void check(s)), { numRuns: 1000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => void check(`#mkd1.${s}`)), { numRuns: 500 });
  });

  it('random base64url after the prefix (random deflate streams)', () => {
    const b64 = fc.string({ unit: fc.constantFrom(...B64), maxLength: 400 });
    fc.assert(fc.property(b64, (s) => void check(`#mkd1.${s}`)), { numRuns: 2000 });
  });

  it('random payload bytes with a correct checksum (exercises the parser itself)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => void check(linkFromBody(b))), { numRuns: 2000 });
  });

  it('mutated valid payloads with the checksum fixed up', () => {
    const arb = fc.tuple(linkStateArb({ maxTokens: 3, maxChannels: 4, maxPreviews: 2, maxMaskSide: 3 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.nat());
    let accepted = 0;
    fc.assert(
      fc.property(arb, ([state, edits, cut]) => {
        const payload = writeLinkPayload(state, 16);
        const b = Array.from(payload.subarray(0, payload.length - 4));
        for (const [at, v] of edits) b[at % b.length] = v;
        if (check(linkFromBody(b))) accepted++;
        if (check(linkFromBody(b.slice(0, cut % b.length)))) accepted++;
      }),
      { numRuns: 1000 },
    );
    // Edits in free-valued fields (seeds, codes) legitimately decode; structure edits must not.
    expect(accepted).toBeGreaterThan(0);
  });

  it('mutated valid links: flipped, inserted and deleted characters, truncation, bit flips in the deflated bytes', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), ch: fc.constantFrom(...B64, '#', '%', '.', '=', '+', 'é') }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), ch: fc.constantFrom(...B64, '.', '/') }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), ch: fc.constant('') }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), ch: fc.constant('') }),
      fc.record({ kind: fc.constant('bit' as const), at: fc.nat(), ch: fc.constant('') }),
    );
    const arb = fc.tuple(linkStateArb({ maxTokens: 4, maxChannels: 8, maxPreviews: 3, maxMaskSide: 4 }), fc.array(mutation, { minLength: 1, maxLength: 3 }));
    fc.assert(
      fc.property(arb, ([state, mutations]) => {
        const enc = encodeLink(state);
        if (!enc.ok) throw new Error(enc.error);
        let h = enc.hash;
        for (const m of mutations) {
          const i = m.at % h.length;
          if (m.kind === 'flip') h = h.slice(0, i) + m.ch + h.slice(i + 1);
          else if (m.kind === 'insert') h = h.slice(0, i) + m.ch + h.slice(i);
          else if (m.kind === 'delete') h = h.slice(0, i) + h.slice(i + 1);
          else if (m.kind === 'truncate') h = h.slice(0, i);
          else {
            const bytes = decodeBase64Url(h.slice(6));
            if (bytes && bytes.length > 0) {
              bytes[(m.at >> 3) % bytes.length] ^= 1 << (m.at & 7);
              h = `#mkd1.${encodeBase64Url(bytes)}`;
            }
          }
        }
        check(h);
      }),
      { numRuns: 1000 },
    );
  });
});
