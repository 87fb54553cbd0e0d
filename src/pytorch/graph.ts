// A TF.js layers model as the plain graph the PyTorch generator reads: its layers in topological
// order, each with its class, config, inbound layers, shapes and weights (copied out as float32).
// Anything this form cannot hold (a layer used twice, a layer with several outputs, a nested
// model) is refused here by layer name and class, before any source is written.
import type * as tf from '@tensorflow/tfjs';

export type Shape = readonly (number | null)[];

export interface WeightValue {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface LayerNode {
  readonly name: string;
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Names of the layers whose outputs feed this one, in order. */
  readonly inputs: readonly string[];
  readonly inputShapes: readonly Shape[];
  readonly outputShape: Shape;
  /** By the weight's short name (kernel, bias, gamma, moving_mean, depthwise_kernel, …). */
  readonly weights: Readonly<Record<string, WeightValue>>;
}

export interface LayerGraph {
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly layers: readonly LayerNode[];
}

export class PytorchExportError extends Error {
  constructor(
    message: string,
    /** Each refused layer as `name (Class): why`. */
    readonly refused: readonly string[] = [],
  ) {
    super(message);
    this.name = 'PytorchExportError';
  }
}

const shapeList = (s: tf.Shape | tf.Shape[]): Shape[] => (Array.isArray(s[0]) ? (s as tf.Shape[]) : [s as tf.Shape]);

/** The graph of `model`; throws PytorchExportError naming every layer it cannot hold. */
export function layerGraph(model: tf.LayersModel): LayerGraph {
  const refused: string[] = [];
  const layers: LayerNode[] = [];
  const seen = new Set<string>();
  for (const layer of [...model.inputLayers, ...model.layers]) {
    if (seen.has(layer.name)) continue;
    seen.add(layer.name);
    const className = layer.getClassName();
    const where = `${layer.name} (${className})`;
    if ('layers' in layer) {
      refused.push(`${where}: a nested model (flatten it first)`);
      continue;
    }
    // The nodes of this model (splitAtLayer and other models that reuse a layer add nodes of their own).
    const nodes = layer.inboundNodes.filter((_, i) => model.containerNodes.has(`${layer.name}_ib-${i}`));
    if (nodes.length !== 1) {
      refused.push(`${where}: used ${nodes.length} times (shared layers are not exported)`);
      continue;
    }
    const node = nodes[0];
    if (node.outputTensors.length !== 1) {
      refused.push(`${where}: has ${node.outputTensors.length} outputs`);
      continue;
    }
    if (node.tensorIndices.some((i) => i !== 0)) {
      refused.push(`${where}: reads a second output of a layer`);
      continue;
    }
    const weights: Record<string, WeightValue> = {};
    for (const w of layer.weights) {
      const short = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
      weights[short] = { shape: w.shape.map((d) => d ?? 0), data: Float32Array.from(w.read().dataSync() as Float32Array) };
    }
    layers.push({
      name: layer.name,
      className,
      config: layer.getConfig() as Record<string, unknown>,
      inputs: node.inboundLayers.map((l) => l.name),
      inputShapes: className === 'InputLayer' ? [] : shapeList(node.inputShapes),
      outputShape: shapeList(node.outputShapes)[0],
      weights,
    });
  }
  if (refused.length) throw new PytorchExportError(`${model.name}: ${refused.length} layer(s) cannot go to PyTorch: ${refused.join('; ')}`, refused);
  return { name: model.name, inputs: model.inputLayers.map((l) => l.name), outputs: model.outputLayers.map((l) => l.name), layers };
}
