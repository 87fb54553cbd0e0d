// A TensorProto's values: raw little-endian bytes, the typed repeated fields or an external-data
// file beside the model. Every length is checked against the dims before a value is copied.
import { OnnxError } from './errors';
import type { OnnxTensor } from './model';
import { DTYPE } from './schema';
import { dtypeBytes } from './wireScan';
import { halfToFloat } from '../float16';
import { isLocalDataPath } from './fileSet';

/** External-data files by the name a tensor's `location` gives. */
export type ExternalFiles = ReadonlyMap<string, Uint8Array>;

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** The tensor's bytes as the file stores them (raw_data or the external file's range). */
function rawBytes(t: OnnxTensor, external: ExternalFiles): Uint8Array | undefined {
  if (t.external) {
    const { location, offset, length } = t.external;
    if (!isLocalDataPath(location)) {
      throw new OnnxError(`tensor "${t.name}": external data location "${location}" is not a file name beside the model`);
    }
    const file = external.get(location) ?? external.get(location.split('/').pop() ?? '');
    if (!file) throw new OnnxError(`tensor "${t.name}" keeps its data in "${location}": add that file beside the .onnx (drop both together)`);
    const need = elementCount(t.dims) * dtypeBytes(t.dtype);
    const len = length ?? need;
    if (len !== need) throw new OnnxError(`tensor "${t.name}": external data length ${len} bytes, its dims need ${need}`);
    if (!(offset >= 0) || offset + len > file.length) throw new OnnxError(`tensor "${t.name}": bytes ${offset}–${offset + len} lie past the end of "${location}" (${file.length} bytes): the file is truncated`);
    return file.subarray(offset, offset + len);
  }
  return t.raw;
}

/** Copies `bytes` so a typed array can view them aligned (Node Buffers' slice is a view into a shared pool). */
function aligned(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

/** The tensor's values as float32 (float, double, float16 and integer types). */
export function readFloats(t: OnnxTensor, external: ExternalFiles = new Map()): Float32Array {
  const n = elementCount(t.dims);
  const bytes = rawBytes(t, external);
  let out: Float32Array;
  if (bytes) {
    const size = dtypeBytes(t.dtype);
    if (size === 0) throw new OnnxError(`tensor "${t.name}": data type ${t.dtype} is not supported`);
    if (bytes.length !== n * size) throw new OnnxError(`tensor "${t.name}": ${bytes.length} bytes of data for ${n} values of ${size} bytes: the file is damaged or truncated`);
    const buf = aligned(bytes);
    if (t.dtype === DTYPE.FLOAT) out = new Float32Array(buf);
    else if (t.dtype === DTYPE.DOUBLE) out = Float32Array.from(new Float64Array(buf));
    else if (t.dtype === DTYPE.FLOAT16) out = Float32Array.from(new Uint16Array(buf), halfToFloat);
    else if (t.dtype === DTYPE.INT64) out = Float32Array.from(new BigInt64Array(buf), Number);
    else if (t.dtype === DTYPE.INT32) out = new Float32Array(new Int32Array(buf));
    else if (t.dtype === DTYPE.INT8) out = new Float32Array(new Int8Array(buf));
    else if (t.dtype === DTYPE.UINT8 || t.dtype === DTYPE.BOOL) out = new Float32Array(new Uint8Array(buf));
    else throw new OnnxError(`tensor "${t.name}": data type ${t.dtype} is not supported`);
  } else {
    const values = t.floats ?? t.doubles ?? t.ints ?? [];
    if (t.dtype === DTYPE.FLOAT16 && t.ints) out = Float32Array.from(t.ints, halfToFloat);
    else out = Float32Array.from(values);
    if (out.length !== n) throw new OnnxError(`tensor "${t.name}": ${out.length} values where its dims ${t.dims.join('×') || 'scalar'} need ${n}`);
  }
  return out;
}

/** The tensor's values as JS numbers (shapes, axes, indices: small integer tensors). */
export function readNumbers(t: OnnxTensor, external: ExternalFiles = new Map()): number[] {
  if (t.dtype === DTYPE.INT64 && !t.external && t.raw) {
    const n = elementCount(t.dims);
    if (t.raw.length !== n * 8) throw new OnnxError(`tensor "${t.name}": ${t.raw.length} bytes of data for ${n} int64 values: damaged`);
    return Array.from(new BigInt64Array(aligned(t.raw)), (v) => {
      // int64 sentinels (INT64_MAX / MIN in Slice ends) stay beyond any dimension.
      if (v > 2n ** 53n) return Number.MAX_SAFE_INTEGER;
      if (v < -(2n ** 53n)) return -Number.MAX_SAFE_INTEGER;
      return Number(v);
    });
  }
  if (t.ints && !t.raw && !t.external) {
    if (t.ints.length !== elementCount(t.dims)) throw new OnnxError(`tensor "${t.name}": ${t.ints.length} values where its dims need ${elementCount(t.dims)}`);
    return t.ints.map((v) => Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, v)));
  }
  return Array.from(readFloats(t, external));
}
