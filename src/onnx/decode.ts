// Bytes of an .onnx file to an OnnxModel: sized from the wire format first (./wireScan.ts), then
// decoded by protobufjs against the ONNX schema (./schema.ts). No tensor data is converted here.
import { LIMITS, limitText } from '../limits';
import { clip } from '../messageQuote';
import { OnnxError } from './errors';
import type { OnnxAttr, OnnxModel, OnnxNode, OnnxProtoMessage, OnnxTensor, OnnxValueInfo } from './model';
import { ATTR, ModelProtoType } from './schema';
import { scanModel } from './wireScan';

type Msg = Record<string, unknown>;

/** An int64 as protobufjs returns it (a number, or a Long when the long package is present). */
export function int64(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'toNumber' in v && typeof v.toNumber === 'function') {
    // INT64_MAX / MIN (Slice's "to the end") stay beyond any dimension, as safe integers.
    const n = (v as { toNumber(): number }).toNumber();
    return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, n));
  }
  return 0;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const utf8 = new TextDecoder();

function tensorOf(t: Msg): OnnxTensor {
  const external = list(t.external_data) as Msg[];
  const entry = (k: string) => str(external.find((e) => e.key === k)?.value);
  const base = { name: str(t.name), dims: list(t.dims).map(int64), dtype: Number(t.data_type ?? 0) };
  if (Number(t.data_location ?? 0) === 1 || external.length > 0) {
    const length = entry('length');
    return { ...base, external: { location: entry('location'), offset: Number(entry('offset') || 0), length: length ? Number(length) : null } };
  }
  const raw = t.raw_data instanceof Uint8Array && t.raw_data.length > 0 ? t.raw_data : undefined;
  const floats = list(t.float_data) as number[];
  const ints = [...list(t.int32_data), ...list(t.int64_data)].map(int64);
  const doubles = list(t.double_data) as number[];
  return {
    ...base,
    ...(raw ? { raw } : {}),
    ...(floats.length ? { floats } : {}),
    ...(ints.length ? { ints } : {}),
    ...(doubles.length ? { doubles } : {}),
  };
}

function attrOf(a: Msg): OnnxAttr {
  switch (Number(a.type ?? 0)) {
    case ATTR.FLOAT: return { type: 'float', value: Number(a.f ?? 0) };
    case ATTR.INT: return { type: 'int', value: int64(a.i ?? 0) };
    case ATTR.STRING: return { type: 'string', value: utf8.decode((a.s as Uint8Array | undefined) ?? new Uint8Array()) };
    case ATTR.TENSOR: return { type: 'tensor', value: tensorOf((a.t as Msg | undefined) ?? {}) };
    case ATTR.FLOATS: return { type: 'floats', value: list(a.floats) as number[] };
    case ATTR.INTS: return { type: 'ints', value: list(a.ints).map(int64) };
    case ATTR.STRINGS: return { type: 'strings', value: (list(a.strings) as Uint8Array[]).map((s) => utf8.decode(s)) };
    default: return { type: 'other', code: Number(a.type ?? 0) };
  }
}

function valueInfoOf(v: Msg): OnnxValueInfo {
  const tensorType = ((v.type as Msg | undefined)?.tensor_type as Msg | undefined) ?? {};
  const shape = tensorType.shape as Msg | undefined;
  return {
    name: str(v.name),
    elemType: Number(tensorType.elem_type ?? 0),
    shape: shape ? (list(shape.dim) as Msg[]).map((d) => ('dim_value' in d && d.dim_value !== undefined ? int64(d.dim_value) : typeof d.dim_param === 'string' && d.dim_param ? d.dim_param : null)) : null,
  };
}

/** Decodes an .onnx file's bytes; throws OnnxError (naming `file`) on any limit or malformation. */
export function decodeOnnx(bytes: Uint8Array, file = 'model.onnx'): OnnxModel {
  const fail = (why: string) => new OnnxError(`${clip(file, 80)}: ${why}`);
  if (bytes.length > LIMITS.modelOnnxFileBytes.value) throw fail(`${bytes.length} bytes, over ${limitText('modelOnnxFileBytes')} on an .onnx file`);
  try {
    scanModel(bytes);
  } catch (e) {
    if (e instanceof OnnxError) throw fail(e.message);
    throw e;
  }
  let proto: Msg;
  try {
    proto = ModelProtoType.toObject(ModelProtoType.decode(bytes), { defaults: false, arrays: true }) as Msg;
  } catch (e) {
    throw fail(`not a valid ONNX protobuf (${e instanceof Error ? e.message : String(e)}): the file is damaged or truncated`);
  }
  const graph = proto.graph as Msg | undefined;
  if (!graph) throw fail('no graph in the file');
  const opsets = list(proto.opset_import) as Msg[];
  const main = opsets.find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = main ? int64(main.version) : 0;
  if (!opset) throw fail('no opset for the default ONNX domain');
  const initializers = new Map<string, OnnxTensor>();
  for (const t of list(graph.initializer) as Msg[]) initializers.set(str(t.name), tensorOf(t));
  const nodes: OnnxNode[] = (list(graph.node) as Msg[]).map((n, i) => ({
    name: str(n.name) || `${str(n.op_type)}_${i}`,
    opType: str(n.op_type),
    domain: str(n.domain),
    inputs: list(n.input).map(str),
    outputs: list(n.output).map(str),
    attrs: new Map((list(n.attribute) as Msg[]).map((a) => [str(a.name), attrOf(a)])),
  }));
  return {
    irVersion: int64(proto.ir_version ?? 0),
    opset,
    producer: `${str(proto.producer_name)} ${str(proto.producer_version)}`.trim(),
    graph: {
      name: str(graph.name),
      nodes,
      initializers,
      inputs: (list(graph.input) as Msg[]).map(valueInfoOf).filter((v) => !initializers.has(v.name)),
      outputs: (list(graph.output) as Msg[]).map(valueInfoOf),
    },
    proto: proto as OnnxProtoMessage,
  };
}
