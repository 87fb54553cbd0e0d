// A walk over the protobuf wire format of a ModelProto that reads only lengths and a few
// varints, before the decoder allocates anything: how many nodes the graph has and how many
// elements and bytes its tensors (initialisers and Constant nodes' values) declare. A file over a
// limit is refused here, from its declared sizes, so a 100-byte file that says "10¹² floats"
// never becomes an array.
import { LIMITS, limitText } from '../limits';
import { OnnxError } from './errors';

/** One field of a message: its number, wire type and where its value lies. */
interface Field {
  readonly id: number;
  readonly wire: number;
  /** The varint's value (wire type 0), else 0. */
  readonly value: number;
  readonly start: number;
  readonly end: number;
}

function readVarint(b: Uint8Array, pos: number, end: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new OnnxError('the file ends inside a number: it is truncated or not an ONNX model');
    const byte = b[pos++];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
  throw new OnnxError('a number runs past 10 bytes: not an ONNX model');
}

/** The fields of the message in b[start, end), in order. */
function* fields(b: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const [key, p] = readVarint(b, pos, end);
    const id = Math.floor(key / 8);
    const wire = key % 8;
    if (id === 0) throw new OnnxError('a field numbered 0: not an ONNX model');
    pos = p;
    if (wire === 0) {
      const [value, q] = readVarint(b, pos, end);
      yield { id, wire, value, start: pos, end: q };
      pos = q;
    } else if (wire === 1 || wire === 5) {
      const q = pos + (wire === 1 ? 8 : 4);
      if (q > end) throw new OnnxError('the file ends inside a value: it is truncated');
      yield { id, wire, value: 0, start: pos, end: q };
      pos = q;
    } else if (wire === 2) {
      const [length, q] = readVarint(b, pos, end);
      if (q + length > end) throw new OnnxError('a field runs past the end of the file: it is truncated or not an ONNX model');
      yield { id, wire, value: 0, start: q, end: q + length };
      pos = q + length;
    } else {
      throw new OnnxError(`wire type ${wire} (groups or garbage) where ONNX has none: not an ONNX model`);
    }
  }
}

/** Bytes per element of an ONNX data type (0: a type the converter does not read). */
export function dtypeBytes(dtype: number): number {
  switch (dtype) {
    case 1: case 6: case 12: return 4; // float, int32, uint32
    case 2: case 3: case 9: return 1; // uint8, int8, bool
    case 4: case 5: case 10: case 16: return 2; // uint16, int16, float16, bfloat16
    case 7: case 11: case 13: return 8; // int64, double, uint64
    default: return 0;
  }
}

/** What a TensorProto declares, from its dims and data type. */
function scanTensor(b: Uint8Array, start: number, end: number): { elements: number; bytes: number } {
  const dims: number[] = [];
  let dtype = 0;
  for (const f of fields(b, start, end)) {
    if (f.id === 1 && f.wire === 0) dims.push(f.value);
    else if (f.id === 1 && f.wire === 2) {
      let p = f.start;
      while (p < f.end) {
        const [v, q] = readVarint(b, p, f.end);
        dims.push(v);
        p = q;
      }
    } else if (f.id === 2 && f.wire === 0) dtype = f.value;
    if (dims.length > 16) throw new OnnxError('a tensor of more than 16 dimensions');
  }
  let elements = 1;
  for (const d of dims) {
    elements *= d;
    // Over the parameter cap already (and before a product could lose precision).
    if (elements > LIMITS.modelParams.value) throw new OnnxError(`a tensor declares ${dims.join('×')} elements: over ${limitText('modelParams')} on a model's parameters`);
  }
  return { elements, bytes: elements * Math.max(1, dtypeBytes(dtype)) };
}

export interface WireSummary {
  readonly nodes: number;
  readonly tensors: number;
  readonly tensorElements: number;
  readonly tensorBytes: number;
}

/** Sizes a ModelProto from its wire format; throws OnnxError over any limit. */
export function scanModel(bytes: Uint8Array): WireSummary {
  let nodes = 0, tensors = 0, tensorElements = 0, tensorBytes = 0, graphs = 0;
  const addTensor = (start: number, end: number) => {
    const t = scanTensor(bytes, start, end);
    tensors++;
    tensorElements += t.elements;
    tensorBytes += t.bytes;
    if (tensorElements > LIMITS.modelParams.value) throw new OnnxError(`its tensors declare ${tensorElements} elements: over ${limitText('modelParams')} on a model's parameters`);
    if (tensorBytes > LIMITS.modelWeightBytes.value) throw new OnnxError(`its tensors declare ${tensorBytes} bytes: over ${limitText('modelWeightBytes')} on a model's weights`);
  };
  for (const m of fields(bytes, 0, bytes.length)) {
    if (m.id !== 7 || m.wire !== 2) continue;
    if (++graphs > 1) throw new OnnxError('two graphs in one model: not an ONNX model');
    for (const g of fields(bytes, m.start, m.end)) {
      if (g.id === 5 && g.wire === 2) addTensor(g.start, g.end);
      else if (g.id === 15) throw new OnnxError('sparse initialisers are not supported: export with dense weights');
      else if (g.id === 1 && g.wire === 2) {
        if (++nodes > LIMITS.modelLayers.value) throw new OnnxError(`more than ${LIMITS.modelLayers.value} nodes: over ${limitText('modelLayers')}`);
        for (const n of fields(bytes, g.start, g.end)) {
          if (n.id !== 5 || n.wire !== 2) continue;
          for (const a of fields(bytes, n.start, n.end)) if (a.id === 5 && a.wire === 2) addTensor(a.start, a.end);
        }
      }
    }
  }
  if (graphs === 0) throw new OnnxError('no graph in the file: not an ONNX model (or an empty one)');
  return { nodes, tensors, tensorElements, tensorBytes };
}

/** An external-data file an .onnx names, and how many of its bytes the model's tensors declare. */
export interface ExternalDataRef {
  readonly location: string;
  /** The largest end (offset + length, or the dims' bytes) of any tensor read from it. */
  readonly bytes: number;
}

const text = (b: Uint8Array, f: Field): string => new TextDecoder().decode(b.subarray(f.start, Math.min(f.end, f.start + 4096)));

/**
 * The external-data files the initialisers of an .onnx name, with the bytes each must hold: read
 * from the wire (dims, data type, external_data's location/offset/length), nothing decoded, so a
 * fetch can size and place them before asking for them. Run scanModel first (the limits).
 */
export function externalDataRefs(bytes: Uint8Array): ExternalDataRef[] {
  const ends = new Map<string, number>();
  for (const m of fields(bytes, 0, bytes.length)) {
    if (m.id !== 7 || m.wire !== 2) continue;
    for (const g of fields(bytes, m.start, m.end)) {
      if (g.id !== 5 || g.wire !== 2) continue;
      let location: string | null = null;
      let offset = 0;
      let length: number | null = null;
      for (const f of fields(bytes, g.start, g.end)) {
        if (f.id !== 13 || f.wire !== 2) continue;
        let key = '';
        let value = '';
        for (const e of fields(bytes, f.start, f.end)) {
          if (e.id === 1 && e.wire === 2) key = text(bytes, e);
          else if (e.id === 2 && e.wire === 2) value = text(bytes, e);
        }
        if (key === 'location') location = value;
        else if (key === 'offset') offset = Number(value);
        else if (key === 'length') length = Number(value);
      }
      if (location === null) continue;
      const declared = scanTensor(bytes, g.start, g.end).bytes;
      const end = (Number.isFinite(offset) && offset >= 0 ? offset : 0) + (length !== null && Number.isFinite(length) && length >= 0 ? length : declared);
      ends.set(location, Math.max(ends.get(location) ?? 0, end));
    }
  }
  return [...ends].map(([location, end]) => ({ location, bytes: end }));
}
