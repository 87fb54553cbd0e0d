// A converted ONNX graph as a tf.LayersModel: one layer per node (named after its first output),
// wired as the graph is, so every interface the playground has for TF.js layers models (the layer
// list and tap picker, splitAtLayer at a tap, trainable weights, the stages' training with
// `training: true`) works on it unchanged. Each layer owns its node's initialisers as weights
// (conv kernels stored HWIO; BatchNorm's running statistics non-trainable, moved in train mode)
// and its constant operands as non-trainable weights. 4-D values flow between layers in the
// layout the plan gave them (NHWC for feature maps); the model's 4-D outputs are NHWC.
import * as tf from '@tensorflow/tfjs';
import { TO_LOGICAL, TO_NHWC } from './convert/context';
import type { Plan } from './convert/plan';
import type { Step, ValueMeta, Want } from './convert/types';
import { OnnxError } from './errors';
import type { OnnxNode } from './model';
import type { ExportedWeight } from './onnxModel';
import { type ExternalFiles, readFloats } from './tensorData';

/** ONNX OIHW (and ConvTranspose's [Cin, Cout, kh, kw]) to the stored [kh, kw, ·, ·]; and back. */
const KERNEL_TO_TF = [2, 3, 1, 0];
export const KERNEL_TO_ONNX = [3, 2, 0, 1];

/** How one layer gets each of its node's run-time inputs. */
type Source =
  | { readonly kind: 'input'; readonly index: number; readonly layout: ValueMeta['layout'] }
  | { readonly kind: 'weight'; readonly index: number; readonly storedAsKernel: boolean };

interface StepSpec {
  readonly step: Step;
  readonly sources: readonly Source[];
  readonly weights: readonly { readonly name: string; readonly initial: tf.Tensor; readonly trainable: boolean }[];
  readonly outShapes: readonly (number | null)[][];
  /** The file's batch is fixed at 1: run a batch one image at a time. */
  readonly oneByOne: boolean;
}

/** The layer of one ONNX node. */
export class OnnxNodeLayer extends tf.layers.Layer {
  static readonly className = 'OnnxNode';
  /** The ONNX initialiser each weight holds (null: a constant operand). */
  readonly initialisers: readonly (string | null)[];
  /** The node's input each weight stands for. */
  readonly slots: readonly number[];

  constructor(private readonly spec: StepSpec, name: string, initialisers: readonly (string | null)[]) {
    super({ name, trainable: true });
    this.initialisers = initialisers;
    this.slots = spec.weights.map((_, i) => spec.step.reads[spec.sources.findIndex((s) => s.kind === 'weight' && s.index === i)].input);
  }

  /** The ONNX node this layer runs (each node's layer holds its own copy of the initialisers it reads). */
  get onnxNode(): OnnxNode {
    return this.spec.step.node;
  }

  override build(): void {
    for (const w of this.spec.weights) this.addWeight(w.name, w.initial.shape, 'float32', tf.initializers.zeros(), undefined, w.trainable).write(w.initial);
    this.built = true;
  }

  override computeOutputShape(): tf.Shape | tf.Shape[] {
    const shapes = this.spec.outShapes.map((o) => [...o]);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  private runOnce(xs: tf.Tensor[], training: boolean): tf.Tensor[] {
    const weights = this.weights.map((w) => w.read());
    const inputs = this.spec.sources.map((src, k) => {
      const want: Want = this.spec.step.reads[k].want;
      if (src.kind === 'weight') {
        const v = weights[src.index];
        if (want === 'kernel' && !src.storedAsKernel) return tf.transpose(v, KERNEL_TO_TF);
        // A 4-D weight or constant operand ([1, C, 1, 1]) of an op on NHWC feature maps.
        return want === 'nhwc' && v.rank === 4 ? tf.transpose(v, TO_NHWC) : v;
      }
      const t = xs[src.index];
      if (want === 'kernel') return tf.transpose(src.layout === 'nhwc' && t.rank === 4 ? tf.transpose(t, TO_LOGICAL) : t, KERNEL_TO_TF);
      if (want === 'any' || t.rank !== 4 || want === src.layout) return t;
      return tf.transpose(t, want === 'nhwc' ? TO_NHWC : TO_LOGICAL);
    });
    const outs = this.spec.step.run!(inputs, { training, batch: xs[0]?.shape[0] ?? 1 });
    // A pass-through (Identity, a no-op reduce) may hand back a weight or an input: the executor
    // disposes a layer's outputs when it is done with them, so those leave as clones.
    return outs.map((o) => (weights.includes(o) || xs.includes(o) || inputs.includes(o) ? tf.clone(o) : o));
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor | tf.Tensor[] {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    const training = kwargs.training ?? false;
    const n = xs[0]?.shape[0] ?? 1;
    let outs: tf.Tensor[];
    if (this.spec.oneByOne && n > 1) {
      const parts = Array.from({ length: n }, (_, i) => this.runOnce(xs.map((x) => tf.slice(x, i, 1)), training));
      outs = parts[0].map((_, k) => tf.concat(parts.map((p) => p[k]), 0));
    } else {
      outs = this.runOnce(xs, training);
    }
    return outs.length === 1 ? outs[0] : outs;
  }
}

/** Shape of a value as a layer's symbolic tensor has it: NHWC for feature maps, the batch open. */
function symbolicShape(m: ValueMeta, fixedBatch: number | null): (number | null)[] {
  const s = m.layout === 'nhwc' && m.shape.length === 4 ? TO_NHWC.map((k) => m.shape[k]) : [...m.shape];
  return s.map((d, i) => (i === 0 && (d < 0 || d === fixedBatch) ? null : d));
}

/** Layer names: the node's first output, unique, without characters TF.js rejects in weight scopes. */
function layerName(step: Step, used: Set<string>): string {
  const base = (step.node.outputs.find((o) => o) ?? step.node.name).replace(/[^A-Za-z0-9_.\-/]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'node';
  let name = base;
  for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
  used.add(name);
  return name;
}

export interface OnnxLayers {
  readonly model: tf.LayersModel;
  /** The layer that computes each ONNX value (a tap name is a layer name here). */
  readonly layerOf: ReadonlyMap<string, string>;
  /** Trainable initialisers read by more than one node (each layer holds its own copy). */
  readonly shared: readonly string[];
}

/** Builds the layers model of a plan, reading each initialiser once (external data from `external`). */
export function onnxLayersModel(plan: Plan, external: ExternalFiles = new Map(), name = 'onnx_model'): OnnxLayers {
  const made: tf.Tensor[] = [];
  try {
    const { fixedBatch, height, width, channels } = plan.input;
    const image = tf.input({ shape: [height, width, channels], name: `${name}_image` });
    const values = new Map<string, { sym: tf.SymbolicTensor; meta: ValueMeta }>([[plan.input.name, { sym: image, meta: plan.meta.get(plan.input.name)! }]]);
    const layerOf = new Map<string, string>();
    const used = new Set<string>([image.sourceLayer.name]);
    for (const step of plan.steps) {
      const syms: tf.SymbolicTensor[] = [];
      const sources: Source[] = [];
      const weights: StepSpec['weights'][number][] = [];
      const initialisers: (string | null)[] = [];
      for (const r of step.reads) {
        const input = step.node.inputs[r.input];
        const param = plan.params.get(input);
        const c = plan.meta.get(input)?.constant;
        const v = values.get(input);
        if (v) {
          const at = syms.indexOf(v.sym);
          sources.push({ kind: 'input', index: at >= 0 ? at : syms.push(v.sym) - 1, layout: v.meta.layout });
        } else if (param) {
          const raw = tf.tensor(readFloats(param.tensor, external), [...param.tensor.dims], 'float32');
          const initial = param.role === 'kernel' ? tf.transpose(raw, KERNEL_TO_TF) : raw;
          if (initial !== raw) raw.dispose();
          made.push(initial);
          sources.push({ kind: 'weight', index: weights.length, storedAsKernel: param.role === 'kernel' });
          weights.push({ name: `w${weights.length}`, initial, trainable: param.role !== 'statistic' });
          initialisers.push(input);
        } else if (c) {
          const initial = tf.tensor(Float32Array.from(c.values), [...c.dims], 'float32');
          made.push(initial);
          sources.push({ kind: 'weight', index: weights.length, storedAsKernel: false });
          weights.push({ name: `c${weights.length}`, initial, trainable: false });
          initialisers.push(null);
        } else {
          throw new OnnxError(`value "${input}" is used before any node computes it`);
        }
      }
      // A node over weights alone (a reshaped parameter) still takes the image, unread, as its input.
      if (!syms.length) syms.push(image);
      const outShapes = step.outputs.map((m) => symbolicShape(m, fixedBatch));
      const oneByOne = fixedBatch === 1;
      const lname = layerName(step, used);
      const layer = new OnnxNodeLayer({ step, sources, weights, outShapes, oneByOne }, lname, initialisers);
      const out = layer.apply(syms.length === 1 ? syms[0] : syms) as tf.SymbolicTensor | tf.SymbolicTensor[];
      const outs = Array.isArray(out) ? out : [out];
      step.node.outputs.forEach((o, k) => {
        if (!o || !outs[k]) return;
        values.set(o, { sym: outs[k], meta: step.outputs[k] });
        layerOf.set(o, lname);
      });
    }
    const outputs = plan.outputs.map((o) => values.get(o)!.sym);
    const model = tf.model({ inputs: image, outputs: outputs.length === 1 ? outputs[0] : outputs, name });
    const readers = new Map<string, number>();
    for (const step of plan.steps) for (const x of new Set(step.node.inputs)) if (plan.params.get(x)?.role === 'weight' || plan.params.get(x)?.role === 'kernel') readers.set(x, (readers.get(x) ?? 0) + 1);
    return { model, layerOf, shared: [...readers].filter(([, n]) => n > 1).map(([x]) => x) };
  } finally {
    tf.dispose(made);
  }
}

const sameValues = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/**
 * The trained initialisers of a layers model built by onnxLayersModel, as ONNX writes them (OIHW
 * kernels). Each layer holds its own copy of an initialiser it shares with other nodes: the first
 * reader's copy keeps the file's name; a copy that trained apart from it is written under the
 * name of the Identity that read it (a parameter the export merged with an equal one), or else
 * under `<name>__<k>` with the node inputs that read it (copies still equal share one).
 */
export async function onnxLayersWeights(model: tf.LayersModel, plan: Plan): Promise<ExportedWeight[]> {
  const graph = plan.model.graph;
  const nodeIndex = new Map(graph.nodes.map((n, i) => [n, i]));
  const taken = new Set<string>([...graph.initializers.keys(), ...plan.params.keys(), ...graph.inputs.map((v) => v.name), ...graph.nodes.flatMap((n) => [...n.inputs, ...n.outputs])]);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const kept = new Map<string, ExportedWeight>();
  const apart = new Map<string, { name: string; dims: readonly number[]; values: Float32Array; readers: [number, number][] }[]>();
  // Direct readers first, so that they keep the file's names.
  const layers = model.layers.filter((l): l is OnnxNodeLayer => l instanceof OnnxNodeLayer);
  layers.sort((a, b) => Number(a.onnxNode.opType === 'Identity') - Number(b.onnxNode.opType === 'Identity'));
  for (const layer of layers) {
    for (let i = 0; i < layer.weights.length; i++) {
      const name = layer.initialisers[i];
      if (name === null) continue;
      const param = plan.params.get(name)!;
      const v = layer.weights[i].read();
      const t = param.role === 'kernel' ? tf.transpose(v, KERNEL_TO_ONNX) : v;
      const values = Float32Array.from((await t.data()) as Float32Array);
      if (t !== v) t.dispose();
      const first = kept.get(name);
      if (!first) {
        kept.set(name, { name, dims: param.tensor.dims, values });
        continue;
      }
      if (sameValues(first.values, values)) continue;
      const node = layer.onnxNode;
      if (node.opType === 'Identity' && !outputs.has(node.outputs[0])) {
        // A parameter the export merged, read through an Identity that names it: it becomes that initialiser.
        apart.set(name, [...(apart.get(name) ?? []), { name: node.outputs[0], dims: param.tensor.dims, values, readers: [] }]);
        continue;
      }
      const reader: [number, number] = [nodeIndex.get(layer.onnxNode)!, layer.slots[i]];
      const copies = apart.get(name) ?? [];
      const same = copies.find((c) => c.readers.length && sameValues(c.values, values));
      if (same) {
        same.readers.push(reader);
        continue;
      }
      let k = copies.length + 2;
      while (taken.has(`${name}__${k}`)) k++;
      taken.add(`${name}__${k}`);
      apart.set(name, [...copies, { name: `${name}__${k}`, dims: param.tensor.dims, values, readers: [reader] }]);
    }
  }
  return [...kept.values(), ...[...apart.values()].flat().map(({ readers, ...w }) => (readers.length ? { ...w, readers } : w))];
}
