// A .safetensors header's tensors and "__metadata__" entries, counted in its bytes before it is
// parsed: the counts equal JSON.parse's on generated headers (property-based over entry counts and
// key spellings), and a header over either cap is refused at once, typed, with a short message,
// in bounded CPU and memory (the 56 MB, 5.5 M-entry header of issue 25, built here).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpuTimed } from '../fuzz.testkit';
import { LIMITS } from '../limits';
import { readSafetensors, SafetensorsError } from './safetensors';
import { countHeaderEntries } from './safetensorsCount';
import { importTokens, TokenImportError } from './tokenImport';

const enc = new TextEncoder();
const NO_CAPS = { tensors: Infinity, metadata: Infinity };
const memory = () => process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;

/** A file of one header (any JSON text) and `dataBytes` zero bytes. */
function rawFile(header: Uint8Array | string, dataBytes = 0): Uint8Array {
  const json = typeof header === 'string' ? enc.encode(header) : header;
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

const KEY_CHARS = enc.encode('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');

/**
 * `{"__metadata__":{"0000":"","0001":"",…}}` with `entries` distinct 4-character keys (10 bytes an
 * entry), written straight into bytes: 5.5 M entries make the 56 MB header of issue 25.
 */
function metadataHeader(entries: number): Uint8Array {
  const head = enc.encode('{"__metadata__":{');
  const out = new Uint8Array(head.length + entries * 10 + 2);
  out.set(head, 0);
  let at = head.length;
  for (let i = 0; i < entries; i++) {
    if (i) out[at++] = 0x2c;
    out[at++] = 0x22;
    for (let d = 3, k = i; d >= 0; d--, k = Math.floor(k / 62)) out[at + d] = KEY_CHARS[k % 62];
    at += 4;
    out.set([0x22, 0x3a, 0x22, 0x22], at);
    at += 4;
  }
  out[at++] = 0x7d;
  out[at++] = 0x7d;
  return out.subarray(0, at);
}

const tensorEntry = (name: string) => `${JSON.stringify(name)}:{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`;
/** "__metadata__" as JSON may spell it: plain, or with some characters as \u escapes. */
const metadataKey = fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }).map((esc) =>
  Array.from('__metadata__', (c, i) => (esc[i] ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join(''),
);

describe('safetensors header entries are counted before parsing', () => {
  it('counts equal what JSON.parse builds, for any entry counts, names, metadata spelling and whitespace', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 12 }).filter((n) => n !== '__metadata__'), { maxLength: 40 }),
        fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 40 })),
        metadataKey,
        fc.constantFrom('', ' ', '\n  '),
        (names, metadata, key, ws) => {
          const members = names.map(tensorEntry);
          if (metadata) members.splice(Math.floor(members.length / 2), 0, `"${key}":${ws}${JSON.stringify(metadata, null, ws ? 1 : 0)}`);
          const header = `{${ws}${members.join(`,${ws}`)}${ws}}`;
          const parsed = JSON.parse(header) as Record<string, unknown>;
          const counted = countHeaderEntries(enc.encode(header), NO_CAPS);
          expect(counted.over).toBeNull();
          expect(counted.counts.tensors).toBe(Object.keys(parsed).filter((k) => k !== '__metadata__').length);
          expect(counted.counts.metadata).toBe(metadata ? Object.keys(metadata).length : 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('one entry over either cap is refused as a SafetensorsError; the caps themselves pass (entry counts generated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LIMITS.safetensorsMetadataEntries.value + 50 }), (n) => {
        const file = rawFile(metadataHeader(n));
        if (n <= LIMITS.safetensorsMetadataEntries.value) expect(readSafetensors(file).metadata.size).toBe(n);
        else expect(() => readSafetensors(file)).toThrow(/"__metadata__" holds more than 1 000 entries, over the 1 000 entries limit/);
      }),
      { numRuns: 40 },
    );
    const tensors = (n: number) => rawFile(`{${Array.from({ length: n }, (_, i) => tensorEntry(`t${i}`)).join(',')}}`);
    expect(readSafetensors(tensors(LIMITS.safetensorsTensors.value)).tensors.size).toBe(LIMITS.safetensorsTensors.value);
    expect(() => readSafetensors(tensors(LIMITS.safetensorsTensors.value + 1))).toThrow(SafetensorsError);
  });

  it('a 56 MB token file of 5.5 M metadata entries is refused in bounded CPU and memory, with a short typed message', () => {
    const file = rawFile(metadataHeader(5_500_000));
    expect(file.length).toBeGreaterThan(50e6);
    const m0 = memory();
    const { value: err, cpuMs } = cpuTimed(() => {
      try {
        importTokens(file, {}, 'metadata-bomb.safetensors');
        return null;
      } catch (e) {
        return e;
      }
    });
    // Measured here: ~0.1 ms and no growth; unbounded, this parse took 48 s and 2 GB.
    expect(err).toBeInstanceOf(TokenImportError);
    expect((err as Error).message).toMatch(/over the 1 000 entries limit/);
    expect((err as Error).message.length).toBeLessThan(300);
    expect(cpuMs).toBeLessThan(200);
    expect(memory() - m0).toBeLessThan(16 * 2 ** 20);
    if (process.env.FUZZ_STATS) console.log(`[issue25] metadata bomb ${(file.length / 1e6).toFixed(1)} MB: refused in ${cpuMs.toFixed(2)} ms CPU, +${((memory() - m0) / 2 ** 20).toFixed(1)} MiB, message ${(err as Error).message.length} chars`);
  });

  it('names, keys and shapes of any length come back quoted short (string lengths generated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), fc.constantFrom('name', 'field', 'dtype', 'shape', 'metadata'), (n, where) => {
        const long = 'x'.repeat(n);
        const header =
          where === 'name' ? `{${JSON.stringify(long)}:{"dtype":"U8","shape":[1],"data_offsets":[0,2]}}`
          : where === 'field' ? `{"t":{"dtype":"U8","shape":[0],"data_offsets":[0,0],${JSON.stringify(long)}:1}}`
          : where === 'dtype' ? `{"t":{"dtype":${JSON.stringify(long)},"shape":[0],"data_offsets":[0,0]}}`
          : where === 'shape' ? `{"t":{"dtype":"U8","shape":[${Array(n + 1).fill(-1).join(',')}],"data_offsets":[0,0]}}`
          : `{"__metadata__":{${JSON.stringify(long)}:1}}`;
        let err: unknown = null;
        try {
          importTokens(rawFile(header));
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(TokenImportError);
        expect((err as Error).message.length).toBeLessThan(300);
      }),
      { numRuns: 60 },
    );
  });
});
