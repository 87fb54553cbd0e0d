import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors, type SafetensorsTensor } from './safetensors';

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u64 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff, 0, 0, 0, 0];

function fileFrom(header: string, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('writeSafetensors: byte-for-byte against the spec', () => {
  it('one F32 tensor "a" = [1, 2]', () => {
    // Header JSON is 54 bytes; padded with 2 spaces to 56, a multiple of 8.
    const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(header.length).toBe(54);
    const expected = [
      ...u64(56),
      ...ascii(header), 0x20, 0x20,
      0x00, 0x00, 0x80, 0x3f, // 1.0f little-endian
      0x00, 0x00, 0x00, 0x40, // 2.0f
    ];
    const out = writeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });
    expect(Array.from(out)).toEqual(expected);
  });

  it('matches the reference crate\'s own test vectors (tensor.rs: forced alignment, empty with metadata)', () => {
    const attn0 = writeSafetensors({ attn0: { dtype: 'F32', shape: [1, 1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
    expect(Array.from(attn0)).toEqual([
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
      121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
      91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
      115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
      32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
      160, 64,
    ]);
    expect(Array.from(writeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(writeSafetensors({}, { framework: 'pt' }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
      95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
      116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  it('orders data by dtype (descending enum order) then name, header keys in the same order', () => {
    const out = writeSafetensors({
      b: { dtype: 'F32', shape: [1], data: new Float32Array([3]) },
      a: { dtype: 'F32', shape: [1], data: new Float32Array([2]) },
      '0': { dtype: 'U8', shape: [1], data: new Uint8Array([7]) },
      z: { dtype: 'I64', shape: [1], data: new BigInt64Array([-1n]) },
    });
    const n = Number(new DataView(out.buffer).getBigUint64(0, true));
    const text = new TextDecoder().decode(out.subarray(8, 8 + n)).trimEnd();
    expect(text).toBe(
      '{"z":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},' +
        '"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},' +
        '"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},' +
        '"0":{"dtype":"U8","shape":[1],"data_offsets":[16,17]}}',
    );
    expect((8 + n) % 8).toBe(0);
  });

  it('rejects bad input', () => {
    expect(() => writeSafetensors({ a: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toThrow(/needs 3 values/);
    expect(() => writeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Int32Array(2) } as unknown as SafetensorsTensor })).toThrow(/typed array/);
    expect(() => writeSafetensors({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } })).toThrow(/reserved/);
  });
});

describe('readSafetensors', () => {
  it('round-trips every dtype, metadata and unaligned input views', () => {
    const tensors: Record<string, SafetensorsTensor> = {
      'mask_modules.0.mask_token': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1.5, -2, 3e-8, 4, 5, -6]) },
      f64: { dtype: 'F64', shape: [2], data: new Float64Array([Math.PI, -0]) },
      i32: { dtype: 'I32', shape: [1, 1], data: new Int32Array([-123456]) },
      i64: { dtype: 'I64', shape: [2], data: new BigInt64Array([2n ** 62n, -5n]) },
      u8: { dtype: 'U8', shape: [3], data: new Uint8Array([0, 128, 255]) },
      empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
      'ünï ćødé': { dtype: 'F32', shape: [], data: new Float32Array([42]) },
    };
    const bytes = writeSafetensors(tensors, { format: 'pt', note: 'x"y' });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const file = readSafetensors(shifted.subarray(3));
    expect(Object.fromEntries(file.metadata)).toEqual({ format: 'pt', note: 'x"y' });
    expect([...file.tensors.keys()].sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const back = file.tensors.get(name);
      expect(back?.dtype).toBe(t.dtype);
      expect(back?.shape).toEqual(t.shape);
      expect(back?.data).toEqual(t.data);
    }
  });

  const good = (): Uint8Array => writeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });

  it.each([
    ['too short', new Uint8Array(5), /too short/],
    ['header length past the end', (() => { const b = good().slice(); b[0] = 200; return b; })(), /runs past the end/],
    ['huge header length', (() => { const b = good().slice(); b[7] = 1; return b; })(), /exceeds/],
    ['not JSON', fileFrom('{"a":', []), /not valid JSON/],
    ['not UTF-8', (() => { const b = fileFrom('{"a":1}', []); b[9] = 0xff; return b; })(), /UTF-8/],
    ['header is an array', fileFrom('[]      ', []), /JSON object/],
    ['unknown dtype', fileFrom('{"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}}', [0]), /unsupported dtype/],
    ['negative shape', fileFrom('{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}', [0]), /shape/],
    ['size mismatch', fileFrom('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]), /needs 8 bytes/],
    ['gap', fileFrom('{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [0, 0]), /gap/],
    ['overlap', fileFrom('{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', [0, 0]), /overlaps/],
    ['trailing bytes', fileFrom('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [0, 9]), /cover 1 data bytes but the file holds 2/],
    ['truncated data', good().subarray(0, good().length - 1), /cover 8 data bytes but the file holds 7/],
    ['bad metadata', fileFrom('{"__metadata__":{"k":1}}', []), /metadata "k" must be a string/],
    ['extra field', fileFrom('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":0}}', [0]), /unexpected field/],
    ['offsets not integers', fileFrom('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1.5]}}', [0]), /data_offsets/],
  ])('rejects %s', (_what, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(message);
  });
});
