// ONNX out: the model's own graph, encoded again with the trained weights in its initialisers
// (raw little-endian float32, kept inside the file). Everything else (nodes, attributes, inputs,
// outputs, opsets) is the decoded message as it came in, but for the copies of an initialiser
// that trained apart (onnxLayersWeights): each is an initialiser of its own, the nodes that read
// it rewired to it, or in place of the Identity node that named it (a merged parameter).
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

const names = (list: unknown): string[] => ((list as string[] | undefined) ?? []);

/** The .onnx bytes of `model` with `weights` (by initialiser name) in place of its own. */
export function writeOnnx(model: OnnxModel, weights: readonly ExportedWeight[]): Uint8Array {
  const proto = model.proto as Msg;
  const graph = proto.graph as Msg;
  const own = (graph.initializer as Msg[] | undefined) ?? [];
  const ownNames = new Set(own.map((t) => t.name as string));
  const nodes = ((graph.node as Msg[] | undefined) ?? []).map((n): Msg & { input: string[] } => ({ ...n, input: [...names(n.input)] }));
  const dropped = new Set<number>();
  const added: ExportedWeight[] = [];
  for (const w of weights) {
    if (ownNames.has(w.name)) continue;
    if (w.readers) {
      for (const [node, input] of w.readers) nodes[node].input[input] = w.name;
    } else {
      const at = nodes.findIndex((n) => n.op_type === 'Identity' && names(n.output)[0] === w.name && ownNames.has(n.input[0]));
      if (at < 0) throw new Error(`weight "${w.name}" is neither an initialiser of the file nor named by an Identity node over one`);
      dropped.add(at);
    }
    added.push(w);
  }
  const kept = nodes.filter((_, i) => !dropped.has(i));
  // Initialisers that only the rewired or replaced nodes read go (those the file left unread stay).
  const readBefore = new Set(((graph.node as Msg[] | undefined) ?? []).flatMap((n) => names(n.input)));
  const readAfter = new Set([...kept.flatMap((n) => n.input), ...((graph.output as Msg[] | undefined) ?? []).map((o) => o.name as string)]);
  const gone = new Set([...ownNames].filter((n) => readBefore.has(n) && !readAfter.has(n)));
  const byName = new Map(weights.map((w) => [w.name, w]));
  const tensor = (w: ExportedWeight, rest: Msg = { name: w.name }) => ({ ...rest, dims: [...w.dims], data_type: DTYPE.FLOAT, raw_data: floatBytes(w.values) });
  const initializer = [
    ...own.filter((t) => !gone.has(t.name as string)).map((t) => {
      const w = byName.get(t.name as string);
      if (!w) return t;
      const { float_data: _f, double_data: _d, external_data: _e, data_location: _l, ...rest } = t;
      return tensor(w, rest);
    }),
    ...added.map((w) => tensor(w)),
  ];
  // Files that list their initialisers among the graph's inputs (IR < 4) get the new ones listed too.
  const inputs = (graph.input as Msg[] | undefined) ?? [];
  const listsInitialisers = inputs.some((v) => ownNames.has(v.name as string));
  const input = [
    ...inputs.filter((v) => !gone.has(v.name as string)),
    ...(listsInitialisers ? added.map((w) => ({ name: w.name, type: { tensor_type: { elem_type: DTYPE.FLOAT, shape: { dim: w.dims.map((d) => ({ dim_value: d })) } } } })) : []),
  ];
  const message = ModelProtoType.fromObject({ ...proto, graph: { ...graph, node: kept, initializer, input } });
  return ModelProtoType.encode(message).finish();
}
