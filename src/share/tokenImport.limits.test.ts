// Token files: hostile .safetensors (crafted here) refused by the limits before their values are
// read, and fuzzing of the safetensors reader and the token importer (a value or a typed refusal,
// bounded in time and memory).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertBounded, cpuTimed, mutatedBytes } from '../fuzz.testkit';
import { LIMITS } from '../limits';
import { readSafetensors, SafetensorsError, writeSafetensors } from './safetensors';
import { checkTokenFileSize, importTokens, TokenImportError } from './tokenImport';

/** A file of one header (any JSON text) and `dataBytes` zero bytes. */
function rawFile(header: string, dataBytes = 0): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

const memory = () => process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;

describe('token file limits', () => {
  it('mask_token [100000, 64] is refused by T from its header, before a value is read (a 96-byte file)', () => {
    // Declared data 25.6 MB, none present: the header alone is judged first.
    const hostile = rawFile('{"mask_token":{"dtype":"F32","shape":[100000,64],"data_offsets":[0,25600000]}}');
    expect(hostile.length).toBeLessThan(100);
    expect(() => importTokens(hostile, {}, 'evil.safetensors')).toThrow(
      /^token import: "mask_token" is \[100000,64\]: T = 100 000 tokens, over the 64 tokens limit on receptive tokens T/,
    );
  });

  it('the same tokens with all their data (25.6 MB) are refused just as well, without converting 6.4 M values', () => {
    // Without the check: a 6.4 M-element JS array here, then in the engine the token tensor, masks of
    // [4,16,16,100000] per snapshot (410 MB) and the Dice Gram matrix [T,T] (100000² × 4 B = 40 GB).
    const full = writeSafetensors({ mask_token: { dtype: 'F32', shape: [100_000, 64], data: new Float32Array(100_000 * 64) } });
    const m0 = memory();
    // CPU time of this process, not wall time: the machine's load does not stretch it.
    const { cpuMs } = cpuTimed(() => {
      expect(() => importTokens(full, { channels: 64 })).toThrow(TokenImportError);
      expect(() => importTokens(full, { channels: 64 })).toThrow(/T = 100 000 tokens, over the 64 tokens limit/);
    });
    expect(cpuMs).toBeLessThan(200);
    expect(memory() - m0).toBeLessThan(8 * 2 ** 20);
  });

  it('T = 64 passes, 65 is refused; C over 2 048 is refused from the header', () => {
    const tokens = (t: number, c: number) => writeSafetensors({ mask_token: { dtype: 'F32', shape: [t, c], data: new Float32Array(t * c) } });
    expect(importTokens(tokens(64, 4)).tokens.shape).toEqual([64, 4]);
    expect(() => importTokens(tokens(65, 4))).toThrow(/T = 65 tokens, over the 64 tokens limit/);
    expect(() => importTokens(rawFile('{"m.mask_token":{"dtype":"F32","shape":[2,4096],"data_offsets":[0,32768]}}'))).toThrow(
      /"m\.mask_token" is \[2,4096\]: C = 4 096 channels, over the 2 048 channels limit/,
    );
  });

  it('F64 values beyond float32 are refused instead of becoming Infinity', () => {
    const f64 = writeSafetensors({ mask_token: { dtype: 'F64', shape: [1, 3], data: new Float64Array([0.5, 1e300, -2]) } });
    expect(() => importTokens(f64)).toThrow(/^token import: "mask_token" holds 1e\+300 \(value 1\), beyond float32's range \(±3\.4e38\): it would become infinite in the engine/);
    const ok = writeSafetensors({ mask_token: { dtype: 'F64', shape: [1, 2], data: new Float64Array([3e38, -3e38]) } });
    expect(importTokens(ok).tokens.data).toEqual([3e38, -3e38]);
  });

  it('file size from File.size before reading; more header entries than the limit', () => {
    expect(() => checkTokenFileSize('big.safetensors', 65 * 2 ** 20)).toThrow(/^big\.safetensors: 68\.16 MB is over the 64 MiB limit on bytes of a \.safetensors token file, checked from the file size before it is read; it was not read/);
    expect(() => checkTokenFileSize('ok.safetensors', 2 ** 20)).not.toThrow();
    const entries = Array.from({ length: LIMITS.safetensorsTensors.value + 1 }, (_, i) => `"t${i}":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`).join(',');
    expect(() => readSafetensors(rawFile(`{${entries}}`))).toThrow(/header lists more than 10 000 tensors, over the 10 000 tensors limit/);
  });
});

// ---- fuzzing ----

const tokenFile = fc
  .record({ t: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 1, max: 4 }), branch: fc.boolean(), f64: fc.boolean(), prefix: fc.constantFrom('', 'mask_modules.0.') })
  .chain(({ t, c, branch, f64, prefix }) =>
    fc.float32Array({ minLength: t * c + 9 * c * c + c + c * t + t, maxLength: t * c + 9 * c * c + c + c * t + t, noNaN: true }).map((v) => {
      let at = 0;
      const take = (n: number) => v.subarray(at, (at += n));
      const tensor = (shape: number[]) => {
        const data = take(shape.reduce((a, b) => a * b, 1));
        return f64 ? { dtype: 'F64' as const, shape, data: Float64Array.from(data) } : { dtype: 'F32' as const, shape, data: Float32Array.from(data) };
      };
      const tensors: Record<string, ReturnType<typeof tensor>> = { [`${prefix}mask_token`]: tensor([t, c]) };
      if (branch) {
        tensors[`${prefix}prob.0.weight`] = tensor([c, c, 3, 3]);
        tensors[`${prefix}prob.0.bias`] = tensor([c]);
        tensors[`${prefix}prob.2.weight`] = tensor([t, c, 1, 1]);
        tensors[`${prefix}prob.2.bias`] = tensor([t]);
      }
      return writeSafetensors(tensors, { format: 'pt' });
    }),
  );

const entry = fc.record(
  {
    dtype: fc.oneof(fc.constantFrom('F32', 'F64', 'U8', 'I32', 'I64', 'BF16'), fc.string({ maxLength: 4 })),
    shape: fc.oneof(fc.array(fc.oneof(fc.nat(5), fc.constantFrom(100_000, 2 ** 40, -1, 1.5)), { maxLength: 4 }), fc.anything({ maxDepth: 1 })),
    data_offsets: fc.oneof(fc.tuple(fc.nat(64), fc.nat(64)), fc.tuple(fc.constant(0), fc.constantFrom(2 ** 53, 25_600_000)), fc.anything({ maxDepth: 1 })),
  },
  { requiredKeys: [] },
);
const headerFile = fc
  .tuple(fc.dictionary(fc.constantFrom('mask_token', 'x.mask_token', 'prob.0.weight', 'prob.0.bias', 'prob.2.weight', 'prob.2.bias', '__metadata__', '__proto__', 'a'), fc.oneof(entry, fc.anything({ maxDepth: 1 })), { maxKeys: 5 }), fc.nat(64))
  .map(([h, pad]) => rawFile(JSON.stringify(h), pad));

const inputs = fc.oneof(tokenFile, mutatedBytes(tokenFile), headerFile, fc.uint8Array({ maxLength: 120 }), fc.uint8Array({ maxLength: 16 }).map((b) => Uint8Array.from([...b.subarray(0, 8), 0xff, 0xff, 0xff, 0xff, ...b.subarray(8)])));

describe('safetensors fuzzing: a value or a typed refusal, bounded', () => {
  it('readSafetensors: a file whose tensors tile its data, or a SafetensorsError', () => {
    const stats = assertBounded(
      inputs,
      (bytes) => {
        const f = readSafetensors(bytes);
        let total = 0;
        for (const t of f.tensors.values()) total += t.data.byteLength;
        expect(total).toBeLessThanOrEqual(bytes.length);
      },
      SafetensorsError,
      { numRuns: 600 },
    );
    expect(stats.accepted).toBeGreaterThan(50);
  });

  it('importTokens: tokens within T, C and float32, or a TokenImportError', () => {
    const stats = assertBounded(
      inputs,
      (bytes) => {
        const r = importTokens(bytes);
        const [t, c] = r.tokens.shape;
        expect(t).toBeLessThanOrEqual(LIMITS.tokens.value);
        expect(c).toBeLessThanOrEqual(LIMITS.tokenChannels.value);
        expect(r.tokens.data.every((v) => Number.isFinite(v) && Math.abs(v) <= 3.4028234663852886e38)).toBe(true);
      },
      TokenImportError,
      { numRuns: 600 },
    );
    expect(stats.accepted).toBeGreaterThan(50);
    expect(stats.refused).toBeGreaterThan(50);
  });
});
