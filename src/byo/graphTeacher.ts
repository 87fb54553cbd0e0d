// A frozen TensorFlow.js graph model as a teacher. The graph runs inside tiny LayersModels whose
// one layer calls GraphModel.execute, so the stages see the usual SplitModel:
//   backbone = execute({input: images}, tap)    head = execute({tap: feature}, outputs)
// Feeding an intermediate node works on tfjs 4.22 (the executor compiles the subgraph from the
// fed nodes) and gradients flow through it to the fed tensor (the ops are ordinary tape ops).
// Real converted models come as they are: several outputs (the head fetches every dense
// [N,H,W,C] output; others, such as post-processed detections, are listed and left out), a batch
// fixed at 1 (the batch runs one image at a time), channels-first inputs and outputs (transposed
// to and from the playground's NHWC) and value ranges other than [0, 1] (the images are scaled).
import * as tf from '@tensorflow/tfjs';
import type { SplitModel } from '../models/split';
import { ModelFileError, type ParsedModel } from './modelFiles';
import { checkGraphTopology, checkProbeShape } from './graphTopology';
import { checkSized, fetchGroups, sizeGraphModel } from './graphSizing/sizeGraphModel';
import type { LayerNode, ModelGraph } from './topology';
import { errorText } from '../errorText';
import { quote } from '../messageQuote';
import { type InputLayout, type InputPlan, type InputRange, inputPlan, outputKind, type TeacherOutput } from './teacherIo';

export type { InputLayout, InputRange } from './teacherIo';

/** How the images reach the graph and how many go in one call. */
export interface GraphFeed {
  readonly range: InputRange;
  readonly layout: InputLayout;
  /** The input's batch dimension is fixed at 1: each image runs on its own. */
  readonly oneByOne: boolean;
}

/** Scales [0, 1] NHWC images to the graph's range and layout. */
function toGraphInput(x: tf.Tensor, feed: GraphFeed): tf.Tensor {
  let y = x;
  if (feed.range === '-1-1') y = tf.sub(tf.mul(y, 2), 1);
  else if (feed.range === '0-255') y = tf.mul(y, 255);
  if (feed.layout === 'NCHW') y = tf.transpose(y, [0, 3, 1, 2]);
  return y;
}

/** A layer that runs part of a graph model: feeds node `feed`, returns the `fetch` nodes. */
class GraphCall extends tf.layers.Layer {
  static readonly className = 'MaskdGraphCall';
  constructor(
    private readonly graph: tf.GraphModel,
    private readonly feedNode: string,
    private readonly fetch: readonly string[],
    /** Each fetched node's shape without the batch dimension, as this layer returns it. */
    private readonly outShapes: readonly (readonly number[])[],
    private readonly feed: GraphFeed,
    /** The feed is the image input (scaled and laid out for the graph), else a tap feature. */
    private readonly fromImages: boolean,
    /** Per fetched node: transpose a channels-first 4-D result to NHWC. */
    private readonly toNhwc: readonly boolean[],
    name: string,
  ) {
    super({ name, trainable: false });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const shapes = this.outShapes.map((o) => [s[0], ...o]);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  private run(x: tf.Tensor): tf.Tensor[] {
    const input = this.fromImages ? toGraphInput(x, this.feed) : x;
    const out = this.graph.execute({ [this.feedNode]: input }, [...this.fetch]);
    const list = Array.isArray(out) ? out : [out];
    return list.map((t, i) => (this.toNhwc[i] && t.rank === 4 ? tf.transpose(t, [0, 2, 3, 1]) : t));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    let outs: tf.Tensor[];
    if (this.feed.oneByOne && x.shape[0] !== 1) {
      // The graph takes one image per call: run them in turn and stack the results.
      const parts = tf.split(x, x.shape[0], 0).map((xi) => this.run(xi));
      outs = this.fetch.map((_, k) => tf.concat(parts.map((p) => p[k]), 0));
    } else {
      outs = this.run(x);
    }
    return outs.length === 1 ? outs[0] : outs;
  }
}

const nodeName = (input: string): string => input.replace(/^\^/, '').replace(/:\d+$/, '');

interface RawNode {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
}

export interface LoadedGraph {
  readonly model: tf.GraphModel;
  readonly graph: ModelGraph;
  readonly inputName: string;
  /** The input as declared, e.g. [1, 256, 256, 3] or [null, 3, 224, 224]. */
  readonly inputShape: readonly (number | null)[];
  /** Side, layout and range of the images, read from the model (or as asked). */
  readonly input: InputPlan;
  /** Every output, the dense ones (compared and imitated) first in model order. */
  readonly outputs: readonly TeacherOutput[];
  readonly params: number;
  readonly flops: number;
  /** float32 bytes of every node's output for one image (from the probe), for sizing batches. */
  readonly nodeBytes: ReadonlyMap<string, number>;
}

function rawNodes(parsed: ParsedModel): RawNode[] {
  const topo = parsed.artifacts.modelTopology as { node?: RawNode[] };
  return topo.node ?? [];
}

export interface GraphLoadOptions {
  readonly range?: InputRange;
  readonly layout?: InputLayout;
}

/**
 * Loads the graph and runs it once on zeros, which both proves every op runs here and gives each
 * node's shape. The topology's node count and input shape are checked before either (src/limits.ts).
 */
export async function loadGraphFromParsed(parsed: ParsedModel, options: GraphLoadOptions = {}): Promise<LoadedGraph> {
  // Node count and declared input shapes, before tfjs loads the graph and before the probe below.
  checkGraphTopology(parsed.modelFile, parsed.artifacts.modelTopology);
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(tf.io.fromMemory(parsed.artifacts));
  } catch (err) {
    throw new ModelFileError(parsed.modelFile, `could not be loaded as a graph model: ${errorText(err)}`);
  }
  try {
    if (model.inputs.length !== 1) {
      throw new ModelFileError(parsed.modelFile, `has ${model.inputs.length} inputs (${model.inputs.slice(0, 4).map((i) => quote(i.name, 40)).join(', ')}${model.inputs.length > 4 ? ', …' : ''}); a teacher takes one image input`);
    }
    if (model.outputs.length < 1) throw new ModelFileError(parsed.modelFile, 'has no outputs');
    const input = model.inputs[0];
    const inputShape = (input.shape ?? []).map((d) => (d < 0 ? null : d));
    const raw = rawNodes(parsed).filter((n) => n.op !== 'Const');
    const names = raw.map((n) => n.name).filter((n) => n !== input.name);
    // The probe is made from the declared shape: check it first (as tfjs reports it after loading).
    checkProbeShape(parsed.modelFile, input.name, inputShape);
    const plan = inputPlan(parsed.modelFile, inputShape, input.dtype, await firstOps(parsed, model, input.name), options);
    const probeShape = inputShape.map((d, i) => (i === 0 ? 1 : (d ?? plan.size)));
    // Every node sized from the probe's shape and the constants before anything runs: an unknown
    // op, a tensor over the activation limit or too many alive at once are refused here.
    const sized = sizeGraphModel(parsed, input.name, probeShape, input.dtype, model.outputs.map((o) => nodeName(o.name)));
    const shapes = new Map<string, number[]>();
    const zeros = tf.zeros(probeShape, input.dtype);
    try {
      // Run once, fetching the nodes in groups whose sized outputs fit the activation limit
      // together (the executor frees what a group does not fetch), and check each against its size.
      for (const group of fetchGroups(names, sized)) {
        const outs = model.execute({ [input.name]: zeros }, group);
        const list = Array.isArray(outs) ? outs : [outs];
        try {
          group.forEach((n, i) => {
            checkSized(parsed.modelFile, n, list[i].shape, sized);
            shapes.set(n, list[i].shape);
          });
        } finally {
          tf.dispose(list);
        }
      }
    } catch (err) {
      if (err instanceof ModelFileError) throw err;
      const msg = errorText(err);
      const op = /Unknown op '([^']+)'/.exec(msg)?.[1];
      const node = op ? raw.find((n) => n.op === op)?.name : undefined;
      throw new ModelFileError(
        parsed.modelFile,
        op
          ? `uses op ${quote(op, 40)} (node ${quote(node, 60)}), which TensorFlow.js ${tf.version.tfjs} does not support: convert the model with ops tfjs supports`
          : `failed on a test input ${JSON.stringify(probeShape)}: ${msg}`,
      );
    } finally {
      zeros.dispose();
    }
    const rawNames = new Set(raw.map((n) => n.name));
    const byName = new Map(raw.map((n) => [n.name, n]));
    const outputNames = model.outputs.map((o) => nodeName(o.name));
    const nhwc = (n: string, s: number[]): number[] =>
      plan.layout === 'NCHW' && outputNames.includes(n) && s.length === 4 ? [s[0], s[2], s[3], s[1]] : s;
    const nodes: LayerNode[] = raw.map((n) => {
      const s = shapes.get(n.name);
      return {
        name: n.name,
        kind: n.op,
        shape: n.name === input.name ? [null, plan.size, plan.size, 3] : s ? nhwc(n.name, s).map((d, i) => (i === 0 ? null : d)) : null,
        inputs: (n.input ?? []).map(nodeName).filter((x) => rawNames.has(x)),
      };
    });
    const nodeBytes = new Map([...shapes].map(([n, s]) => [n, 4 * s.reduce((a, d) => a * d, 1)]));
    const outputs = outputNames.map((name) => {
      const s = shapes.get(name);
      return outputKind(name, s ? nhwc(name, s).slice(1) : null, opBehind(byName, name));
    });
    // Dense outputs first (the head returns them in this order), then the rest.
    outputs.sort((a, b) => Number(b.dense) - Number(a.dense));
    const { params, flops } = graphCost(parsed, nodes);
    return {
      model,
      graph: { nodes, inputs: [input.name], outputs: outputNames },
      inputName: input.name,
      inputShape,
      input: plan,
      outputs,
      params,
      flops,
      nodeBytes,
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** The op that makes a node's value, looking through Identity nodes (how converters name outputs). */
function opBehind(byName: ReadonlyMap<string, RawNode>, name: string): string {
  let node = byName.get(name);
  for (let i = 0; i < 8 && node && (node.op === 'Identity' || node.op === 'IdentityN'); i++) {
    const first = (node.input ?? []).map(nodeName)[0];
    node = first ? byName.get(first) : undefined;
  }
  return node?.op ?? '?';
}

/**
 * The ops that read the input first, with a scalar constant operand when there is one (how a
 * graph normalises its input itself). Read asynchronously: a synchronous read can take a WebGPU
 * device down (shared/BROWSER-TESTING.md).
 */
async function firstOps(parsed: ParsedModel, model: tf.GraphModel, input: string): Promise<{ op: string; constant: number | null }[]> {
  const weights = (model as unknown as { weights?: Record<string, tf.Tensor[]> }).weights ?? {};
  const readers = rawNodes(parsed).filter((n) => (n.input ?? []).map(nodeName).includes(input));
  return Promise.all(
    readers.map(async (n) => {
      const other = (n.input ?? []).map(nodeName).find((x) => x !== input);
      const t = other ? weights[other]?.[0] : undefined;
      const constant = t && t.size === 1 && t.dtype === 'float32' ? ((await t.data())[0] ?? null) : null;
      return { op: n.op, constant };
    }),
  );
}

/** Params (float weights) and FLOPs per image, counting convolutions and matmuls (2 per MAC). */
function graphCost(parsed: ParsedModel, nodes: readonly LayerNode[]): { params: number; flops: number } {
  const weightShape = new Map((parsed.artifacts.weightSpecs ?? []).map((w) => [w.name, w.shape]));
  const params = (parsed.artifacts.weightSpecs ?? []).filter((w) => w.dtype === 'float32').reduce((a, w) => a + w.shape.reduce((x, d) => x * d, 1), 0);
  const raw = new Map(rawNodes(parsed).map((n) => [n.name, n]));
  let flops = 0;
  for (const n of nodes) {
    const kernel = (raw.get(n.name)?.input ?? []).map(nodeName).map((x) => weightShape.get(x)).find((s) => s && s.length >= 2);
    const out = n.shape;
    if (!kernel || !out) continue;
    const outElems = out.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
    if (n.kind === 'Conv2D' || n.kind === '_FusedConv2D') flops += 2 * outElems * kernel[0] * kernel[1] * kernel[2];
    else if (n.kind === 'DepthwiseConv2dNative' || n.kind === 'FusedDepthwiseConv2dNative') flops += 2 * outElems * kernel[0] * kernel[1];
    else if (n.kind === 'Conv2DBackpropInput') flops += 2 * outElems * kernel[0] * kernel[1] * kernel[3];
    else if (n.kind === 'MatMul' || n.kind === '_FusedMatMul') flops += 2 * outElems * kernel[0];
  }
  return { params, flops };
}

/** Names of the nodes computed from `tap` (the head's nodes), for sizing what a step keeps. */
export function headNodes(graph: ModelGraph, tap: string): Set<string> {
  const out = new Set<string>([tap]);
  for (const n of graph.nodes) if (n.inputs.some((i) => out.has(i))) out.add(n.name);
  out.delete(tap);
  return out;
}

/** float32 bytes the head keeps for one image (every node after the tap), from the probe. */
export function headBytes(loaded: LoadedGraph, tap: string): number {
  let sum = 0;
  for (const n of headNodes(loaded.graph, tap)) sum += loaded.nodeBytes.get(n) ?? 0;
  return sum;
}

function feedOf(loaded: LoadedGraph): GraphFeed {
  return { range: loaded.input.range, layout: loaded.input.layout, oneByOne: loaded.input.batchFixed };
}

/**
 * The graph as a SplitModel at `tap` (shape [H,W,C] from the probe), plus a full-model wrapper.
 * The head and the full model return the dense outputs (in `loaded.outputs` order), NHWC.
 */
export function splitGraph(loaded: LoadedGraph, tap: string, inputShape: readonly [number, number, number]): { split: SplitModel; full: tf.LayersModel } {
  const tapNode = loaded.graph.nodes.find((n) => n.name === tap);
  if (!tapNode?.shape) throw new Error(`graph teacher: no shape for ${quote(tap)}`);
  const dense = loaded.outputs.filter((o) => o.dense);
  if (!dense.length) throw new Error('graph teacher: no output is a dense map [N,H,W,C]');
  const tapShape = tapNode.shape.slice(1) as number[];
  const outShapes = dense.map((o) => o.shape as number[]);
  const fetch = dense.map((o) => o.name);
  const feed = feedOf(loaded);
  const transpose = dense.map(() => loaded.input.layout === 'NCHW');
  const outputsOf = (layer: GraphCall, x: tf.SymbolicTensor) => {
    const y = layer.apply(x) as tf.SymbolicTensor | tf.SymbolicTensor[];
    return Array.isArray(y) ? y : [y];
  };
  const image = tf.input({ shape: [...inputShape], name: 'image' });
  const backbone = tf.model({
    inputs: image,
    outputs: new GraphCall(loaded.model, loaded.inputName, [tap], [tapShape], feed, true, [false], 'graph_backbone').apply(image) as tf.SymbolicTensor,
    name: 'graph_teacher_backbone',
  });
  const feat = tf.input({ shape: tapShape, name: 'tap_in' });
  const headOut = outputsOf(new GraphCall(loaded.model, tap, fetch, outShapes, feed, false, transpose, 'graph_head'), feat);
  const head = tf.model({ inputs: feat, outputs: headOut.length === 1 ? headOut[0] : headOut, name: 'graph_teacher_head' });
  const image2 = tf.input({ shape: [...inputShape], name: 'image_full' });
  const fullOut = outputsOf(new GraphCall(loaded.model, loaded.inputName, fetch, outShapes, feed, true, transpose, 'graph_full'), image2);
  const full = tf.model({ inputs: image2, outputs: fullOut.length === 1 ? fullOut[0] : fullOut, name: 'graph_teacher' });
  return { split: { backbone, head, tapShape }, full };
}
