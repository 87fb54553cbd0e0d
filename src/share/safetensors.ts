// The safetensors file format (huggingface/safetensors), written and read without dependencies.
//
//   u64 LE  N            length of the header in bytes
//   N bytes header       UTF-8 JSON: {"__metadata__"?: {str: str}, name: {dtype, shape, data_offsets: [begin, end]}, …}
//                        padded with spaces so the data starts 8-byte aligned
//   …       data         the tensors' raw little-endian bytes, C order, back to back
//
// The writer reproduces the reference `serialize` byte for byte: tensors sorted by dtype in
// descending enum order (≈ alignment) and then by name (UTF-8 byte order), offsets assigned in
// that order, header keys in that order after `__metadata__`, compact JSON, space padding.
// Metadata keys are sorted (the reference uses a HashMap, so any order is valid there).
//
// The reader allocates nothing the file does not hold: every tensor's byte span is checked
// against its dtype and shape and the spans must tile the data section exactly, so the copies it
// makes add up to the file's own size. The header is capped (LIMITS.safetensorsHeaderBytes), and
// so are the number of tensors (LIMITS.safetensorsTensors) and of metadata entries
// (LIMITS.safetensorsMetadataEntries), both counted in the header's bytes before it is parsed
// (./safetensorsCount.ts). Messages quote at most LIMITS.quoteChars of a name or shape.
import { LIMITS, limitText } from '../limits';
import { groupDigits } from '../messageNumbers';
import { clip, quote, shapeText, valueText } from '../messageQuote';
import { countHeaderEntries } from './safetensorsCount';

export type SafetensorsDtype = 'U8' | 'I32' | 'F32' | 'F64' | 'I64';

export type SafetensorsData = Uint8Array | Int32Array | Float32Array | Float64Array | BigInt64Array;

export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: readonly number[];
  data: SafetensorsData;
}

export interface SafetensorsFile {
  /** Tensors in file (offset) order; a Map, so names from a file can never touch a prototype. */
  tensors: Map<string, SafetensorsTensor>;
  metadata: Map<string, string>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    // Cut at LIMITS.noticeChars whatever the file made it say (names are quoted short already).
    super(clip(message, LIMITS.noticeChars.value));
    this.name = 'SafetensorsError';
  }
}

interface DtypeInfo {
  size: number;
  /** Position in the reference's `Dtype` enum, which orders the data section. */
  rank: number;
  make(buffer: ArrayBuffer): SafetensorsData;
  matches(data: SafetensorsData): boolean;
}

const DTYPES: Record<SafetensorsDtype, DtypeInfo> = {
  U8: { size: 1, rank: 1, make: (b) => new Uint8Array(b), matches: (d) => d instanceof Uint8Array },
  I32: { size: 4, rank: 9, make: (b) => new Int32Array(b), matches: (d) => d instanceof Int32Array },
  F32: { size: 4, rank: 11, make: (b) => new Float32Array(b), matches: (d) => d instanceof Float32Array },
  F64: { size: 8, rank: 12, make: (b) => new Float64Array(b), matches: (d) => d instanceof Float64Array },
  I64: { size: 8, rank: 13, make: (b) => new BigInt64Array(b), matches: (d) => d instanceof BigInt64Array },
};

/** The reference reader refuses headers above 100 MB; so do we (src/limits.ts). */
export const MAX_HEADER_BYTES = LIMITS.safetensorsHeaderBytes.value;

function isDtype(v: unknown): v is SafetensorsDtype {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, v);
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

// Typed arrays are little-endian on every platform this app runs on; checked once instead of
// byte-swapping every element.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new SafetensorsError('safetensors: big-endian platforms are not supported');
}

function compareUtf8(a: string, b: string, enc: TextEncoder): number {
  const x = enc.encode(a);
  const y = enc.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Serialises tensors (and optional string metadata) to the bytes of a .safetensors file. */
export function writeSafetensors(tensors: Readonly<Record<string, SafetensorsTensor>>, metadata?: Readonly<Record<string, string>>): Uint8Array<ArrayBuffer> {
  assertLittleEndian();
  const enc = new TextEncoder();
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    if (name === '__metadata__') throw new SafetensorsError('safetensors: "__metadata__" is reserved and cannot name a tensor');
    if (!isDtype(t.dtype)) throw new SafetensorsError(`safetensors: tensor "${name}" has unsupported dtype ${String(t.dtype)}`);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(`safetensors: tensor "${name}" has an invalid shape [${t.shape.join(',')}]`);
    }
    if (!DTYPES[t.dtype].matches(t.data)) throw new SafetensorsError(`safetensors: tensor "${name}" data is not the typed array of ${t.dtype}`);
    if (t.data.length !== elementCount(t.shape)) {
      throw new SafetensorsError(`safetensors: tensor "${name}" of shape [${t.shape.join(',')}] needs ${elementCount(t.shape)} values, got ${t.data.length}`);
    }
  }
  names.sort((a, b) => DTYPES[tensors[b].dtype].rank - DTYPES[tensors[a].dtype].rank || compareUtf8(a, b, enc));

  // Built by hand, not JSON.stringify(object): JS objects put integer-like keys ("0") first.
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort((a, b) => compareUtf8(a, b, enc));
    for (const k of keys) {
      if (typeof metadata[k] !== 'string') throw new SafetensorsError(`safetensors: metadata "${k}" must be a string`);
    }
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = enc.encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseEntry(name: string, v: unknown): HeaderEntry {
  const bad = (why: string): SafetensorsError => new SafetensorsError(`safetensors: tensor ${quote(name)}: ${why}`);
  if (!isPlainObject(v)) throw bad('header entry must be an object');
  for (const k in v) {
    if (k !== 'dtype' && k !== 'shape' && k !== 'data_offsets') throw bad(`unexpected field ${quote(k)}`);
  }
  const { dtype, shape, data_offsets: offsets } = v;
  if (!isDtype(dtype)) throw bad(`unsupported dtype ${valueText(dtype)} (this reader handles ${Object.keys(DTYPES).join(', ')})`);
  if (!Array.isArray(shape) || !shape.every((d): d is number => Number.isSafeInteger(d) && d >= 0)) {
    throw bad(`shape must be a list of non-negative integers, got ${valueText(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d): d is number => Number.isSafeInteger(d) && d >= 0)) {
    throw bad(`data_offsets must be two non-negative integers, got ${valueText(offsets)}`);
  }
  const [begin, end] = offsets;
  if (end < begin) throw bad(`data_offsets [${begin},${end}] end before they begin`);
  const count = elementCount(shape);
  if (!Number.isSafeInteger(count * DTYPES[dtype].size) || (end - begin) !== count * DTYPES[dtype].size) {
    throw bad(`${dtype} ${shapeText(shape)} needs ${count * DTYPES[dtype].size} bytes but data_offsets span ${end - begin}`);
  }
  return { name, dtype, shape, begin, end };
}

/** A tensor as its header entry declares it, before any data is read. */
export interface SafetensorsEntry {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
}

export interface ReadSafetensorsOptions {
  /**
   * Called with every tensor's declared dtype and shape once the header is parsed, before the
   * data section is checked or copied: throw from it to refuse a file by what it declares.
   */
  readonly inspect?: (entries: ReadonlyMap<string, SafetensorsEntry>) => void;
}

/** Parses and fully validates a .safetensors file; throws SafetensorsError saying what is wrong. */
export function readSafetensors(bytes: Uint8Array, options: ReadSafetensorsOptions = {}): SafetensorsFile {
  assertLittleEndian();
  if (bytes.length < 8) throw new SafetensorsError(`safetensors: file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(`safetensors: header length ${n64} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(n64);
  if (8 + n > bytes.length) throw new SafetensorsError(`safetensors: header length ${n} runs past the end of the ${bytes.length}-byte file`);
  // Counted in the bytes before the header becomes a string and objects: a header of millions of
  // entries is refused at its first entry over the cap.
  const counted = countHeaderEntries(bytes.subarray(8, 8 + n), { tensors: LIMITS.safetensorsTensors.value, metadata: LIMITS.safetensorsMetadataEntries.value });
  if (counted.over === 'tensors') {
    throw new SafetensorsError(`safetensors: the header lists more than ${groupDigits(LIMITS.safetensorsTensors.value)} tensors, over ${limitText('safetensorsTensors')} on ${LIMITS.safetensorsTensors.what}; it was not parsed`);
  }
  if (counted.over === 'metadata') {
    throw new SafetensorsError(`safetensors: "__metadata__" holds more than ${groupDigits(LIMITS.safetensorsMetadataEntries.value)} entries, over ${limitText('safetensorsMetadataEntries')} on metadata entries; it was not parsed`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorsError('safetensors: header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    throw new SafetensorsError('safetensors: header is not valid JSON');
  }
  if (!isPlainObject(header)) throw new SafetensorsError('safetensors: header must be a JSON object');
  const keys = Object.keys(header);
  const tensorCount = keys.length - (Object.prototype.hasOwnProperty.call(header, '__metadata__') ? 1 : 0);
  if (tensorCount > LIMITS.safetensorsTensors.value) {
    throw new SafetensorsError(`safetensors: the header lists ${groupDigits(tensorCount)} tensors, over ${limitText('safetensorsTensors')} on ${LIMITS.safetensorsTensors.what}`);
  }

  const metadata = new Map<string, string>();
  const entries: HeaderEntry[] = [];
  for (const key of keys) {
    const value = header[key];
    if (key === '__metadata__') {
      if (!isPlainObject(value)) throw new SafetensorsError('safetensors: "__metadata__" must be an object of strings');
      for (const [mk, mv] of Object.entries(value)) {
        if (typeof mv !== 'string') throw new SafetensorsError(`safetensors: metadata ${quote(mk)} must be a string`);
        metadata.set(mk, mv);
      }
    } else {
      entries.push(parseEntry(key, value));
    }
  }
  options.inspect?.(new Map(entries.map((e) => [e.name, { dtype: e.dtype, shape: e.shape }])));
  // Like the reference: the entries, by offset, must tile the data section exactly.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected) {
      throw new SafetensorsError(
        e.begin < expected
          ? `safetensors: tensor ${quote(e.name)} overlaps the previous tensor (starts at ${e.begin}, previous ends at ${expected})`
          : `safetensors: gap before tensor ${quote(e.name)} (starts at ${e.begin}, expected ${expected})`,
      );
    }
    expected = e.end;
  }
  if (expected !== dataLength) {
    throw new SafetensorsError(`safetensors: tensors cover ${expected} data bytes but the file holds ${dataLength}`);
  }
  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    // Copied into a fresh buffer: the source offset need not be aligned for the typed array.
    const copy = bytes.slice(dataStart + e.begin, dataStart + e.end);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: DTYPES[e.dtype].make(copy.buffer) });
  }
  return { tensors, metadata };
}
