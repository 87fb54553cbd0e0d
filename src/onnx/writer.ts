// ONNX out: the model's own graph, encoded again with the trained weights in its initialisers
// (raw little-endian float32, kept inside the file). Everything else (nodes, attributes, inputs,
// outputs, opsets) is the decoded message as it came in.
import type { OnnxModel } from './model';
import type { ExportedWeight } from './onnxModel';
import { DTYPE, ModelProtoType } from './schema';

type Msg = Record<string, unknown>;

function floatBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** The .onnx bytes of `model` with `weights` (by initialiser name) in place of its own. */
export function writeOnnx(model: OnnxModel, weights: readonly ExportedWeight[]): Uint8Array {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const proto = model.proto as Msg;
  const graph = proto.graph as Msg;
  const initializer = ((graph.initializer as Msg[] | undefined) ?? []).map((t) => {
    const w = byName.get(t.name as string);
    if (!w) return t;
    const { float_data: _f, double_data: _d, external_data: _e, data_location: _l, ...rest } = t;
    return { ...rest, dims: [...w.dims], data_type: DTYPE.FLOAT, raw_data: floatBytes(w.values) };
  });
  const message = ModelProtoType.fromObject({ ...proto, graph: { ...graph, initializer } });
  return ModelProtoType.encode(message).finish();
}
