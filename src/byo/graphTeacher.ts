// A frozen TensorFlow.js graph model as a teacher. The graph runs inside tiny LayersModels whose
// one layer calls GraphModel.execute, so the stages see the usual SplitModel:
//   backbone = execute({input: images}, tap)    head = execute({tap: feature}, output)
// Feeding an intermediate node works on tfjs 4.22 (the executor compiles the subgraph from the
// fed nodes) and gradients flow through it to the fed tensor (the ops are ordinary tape ops).
import * as tf from '@tensorflow/tfjs';
import type { SplitModel } from '../models/split';
import { ModelFileError, type ParsedModel } from './modelFiles';
import { checkGraphTopology, checkProbeShape } from './graphTopology';
import type { LayerNode, ModelGraph } from './topology';
import { errorText } from '../errorText';

/** A layer that runs part of a graph model: feeds node `feed`, returns node `fetch`. */
class GraphCall extends tf.layers.Layer {
  static readonly className = 'MaskdGraphCall';
  constructor(
    private readonly graph: tf.GraphModel,
    private readonly feed: string,
    private readonly fetch: string,
    private readonly outShape: readonly number[],
    name: string,
  ) {
    super({ name, trainable: false });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], ...this.outShape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return this.graph.execute({ [this.feed]: x }, this.fetch) as tf.Tensor;
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
  readonly outputName: string;
  readonly inputShape: readonly (number | null)[];
  readonly params: number;
  readonly flops: number;
}

function rawNodes(parsed: ParsedModel): RawNode[] {
  const topo = parsed.artifacts.modelTopology as { node?: RawNode[] };
  return topo.node ?? [];
}

/**
 * Loads the graph and runs it once on zeros, which both proves every op runs here and gives each
 * node's shape. The topology's node count and input shape are checked before either (src/limits.ts).
 */
export async function loadGraphFromParsed(parsed: ParsedModel): Promise<LoadedGraph> {
  // Node count and declared input shapes, before tfjs loads the graph and before the probe below.
  checkGraphTopology(parsed.modelFile, parsed.artifacts.modelTopology);
  let model: tf.GraphModel;
  try {
    model = await tf.loadGraphModel(tf.io.fromMemory(parsed.artifacts));
  } catch (err) {
    throw new ModelFileError(parsed.modelFile, `could not be loaded as a graph model: ${errorText(err)}`);
  }
  try {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw new ModelFileError(parsed.modelFile, `has ${model.inputs.length} inputs and ${model.outputs.length} outputs; a teacher needs one image input and one output`);
    }
    const input = model.inputs[0];
    const inputShape = (input.shape ?? []).map((d) => (d < 0 ? null : d));
    const raw = rawNodes(parsed).filter((n) => n.op !== 'Const');
    const names = raw.map((n) => n.name).filter((n) => n !== input.name);
    // The probe is made from the declared shape: check it first (as tfjs reports it after loading).
    checkProbeShape(parsed.modelFile, input.name, inputShape);
    const probeShape = inputShape.map((d, i) => (i === 0 ? 1 : (d ?? 64)));
    const shapes = new Map<string, number[]>();
    const zeros = tf.zeros(probeShape, input.dtype);
    try {
      const outs = model.execute({ [input.name]: zeros }, names) as tf.Tensor[];
      names.forEach((n, i) => shapes.set(n, outs[i].shape));
      tf.dispose(outs);
    } catch (err) {
      const msg = errorText(err);
      const op = /Unknown op '([^']+)'/.exec(msg)?.[1];
      const node = op ? raw.find((n) => n.op === op)?.name : undefined;
      throw new ModelFileError(
        parsed.modelFile,
        op
          ? `uses op "${op}" (node "${node}"), which TensorFlow.js ${tf.version.tfjs} does not support: convert the model with ops tfjs supports`
          : `failed on a test input ${JSON.stringify(probeShape)}: ${msg}`,
      );
    } finally {
      zeros.dispose();
    }
    const rawNames = new Set(raw.map((n) => n.name));
    const nodes: LayerNode[] = raw.map((n) => ({
      name: n.name,
      kind: n.op,
      shape: n.name === input.name ? inputShape : (shapes.get(n.name) ?? null)?.map((d, i) => (i === 0 ? null : d)) ?? null,
      inputs: (n.input ?? []).map(nodeName).filter((x) => rawNames.has(x)),
    }));
    const outputName = nodeName(model.outputs[0].name);
    const { params, flops } = graphCost(parsed, nodes);
    return { model, graph: { nodes, inputs: [input.name], outputs: [outputName] }, inputName: input.name, outputName, inputShape, params, flops };
  } catch (err) {
    model.dispose();
    throw err;
  }
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
    else if (n.kind === 'MatMul' || n.kind === '_FusedMatMul') flops += 2 * outElems * kernel[0];
  }
  return { params, flops };
}

/** The graph as a SplitModel at `tap` (shape [H,W,C] from the probe), plus a full-model wrapper. */
export function splitGraph(loaded: LoadedGraph, tap: string, inputShape: readonly [number, number, number]): { split: SplitModel; full: tf.LayersModel } {
  const tapNode = loaded.graph.nodes.find((n) => n.name === tap);
  const outNode = loaded.graph.nodes.find((n) => n.name === loaded.outputName);
  if (!tapNode?.shape || !outNode?.shape) throw new Error(`graph teacher: no shape for "${tap}" or the output`);
  const tapShape = tapNode.shape.slice(1) as number[];
  const outShape = outNode.shape.slice(1) as number[];
  const image = tf.input({ shape: [...inputShape], name: 'image' });
  const backbone = tf.model({
    inputs: image,
    outputs: new GraphCall(loaded.model, loaded.inputName, tap, tapShape, 'graph_backbone').apply(image) as tf.SymbolicTensor,
    name: 'graph_teacher_backbone',
  });
  const feat = tf.input({ shape: tapShape, name: 'tap_in' });
  const head = tf.model({
    inputs: feat,
    outputs: new GraphCall(loaded.model, tap, loaded.outputName, outShape, 'graph_head').apply(feat) as tf.SymbolicTensor,
    name: 'graph_teacher_head',
  });
  const image2 = tf.input({ shape: [...inputShape], name: 'image_full' });
  const full = tf.model({
    inputs: image2,
    outputs: new GraphCall(loaded.model, loaded.inputName, loaded.outputName, outShape, 'graph_full').apply(image2) as tf.SymbolicTensor,
    name: 'graph_teacher',
  });
  return { split: { backbone, head, tapShape }, full };
}
