// A parsed layers-model file set → a tf.LayersModel and its layer graph, with unknown layer
// classes named before tfjs tries (and fails less clearly) to build them.
import * as tf from '@tensorflow/tfjs';
import '../models/resizeLayer';
import { ModelFileError, type ParsedModel } from './modelFiles';
import type { ModelGraph } from './topology';
import { outputKind, type TeacherOutput } from './teacherIo';
import { checkLayersTopology } from './topologyEstimate';
import { isRecord } from '../isRecord';

/**
 * Layer class names used anywhere in a Keras/tfjs topology (nested models included), in file
 * order. Walked with an explicit stack: a topology nested 100 000 deep is listed (and then refused
 * by the sizing's depth limit), never a RangeError.
 */
export function layerClasses(topology: unknown): { name: string; className: string }[] {
  const out: { name: string; className: string }[] = [];
  const stack: unknown[] = [topology];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
      continue;
    }
    if (!isRecord(v)) continue;
    if (typeof v.class_name === 'string' && isRecord(v.config)) {
      const name = typeof v.config.name === 'string' ? v.config.name : typeof v.name === 'string' ? v.name : '?';
      out.push({ name, className: v.class_name });
      if (Array.isArray(v.config.layers)) stack.push(v.config.layers);
      continue;
    }
    if (isRecord(v.model_config)) stack.push(v.model_config);
  }
  return out;
}

/** Layer classes (excluding the model containers) this TensorFlow.js build cannot construct. */
export function unknownLayerClasses(topology: unknown): { name: string; className: string }[] {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  return layerClasses(topology).filter((l) => !['Model', 'Functional', 'Sequential'].includes(l.className) && !(l.className in known));
}

export function layersGraph(model: tf.LayersModel): ModelGraph {
  // A Sequential lists no inputLayers/outputLayers and keeps its InputLayer out of `layers`
  // (tfjs 4.22): its tensors name them.
  const inputLayers = model.inputLayers.length ? model.inputLayers : model.inputs.map((t) => t.sourceLayer);
  const outputLayers = model.outputLayers.length ? model.outputLayers : model.outputs.map((t) => t.sourceLayer);
  const listed = new Set(model.layers);
  const layers = [...inputLayers.filter((l) => !listed.has(l)), ...model.layers];
  return {
    nodes: layers.map((l) => ({
      name: l.name,
      kind: l.getClassName(),
      shape: Array.isArray(l.outputShape[0]) ? null : (l.outputShape as (number | null)[]),
      inputs: l.inboundNodes[0]?.inboundLayers.map((x) => x.name) ?? [],
    })),
    inputs: inputLayers.map((l) => l.name),
    outputs: outputLayers.map((l) => l.name),
  };
}

/** Elements of every weight the manifest lists. */
export function manifestValues(parsed: ParsedModel): number {
  return (parsed.artifacts.weightSpecs ?? []).reduce((a, w) => a + w.shape.reduce((x, d) => x * d, 1), 0);
}

/**
 * Builds the layers model. Before tfjs builds (and zero-fills) any weight, the topology is sized
 * from the JSON (checkLayersTopology: layers, input side, parameters, activations, and no more
 * weights than the manifest holds). A build that fails part-way disposes the variables it made.
 */
export async function loadLayersFromParsed(parsed: ParsedModel): Promise<tf.LayersModel> {
  const unknown = unknownLayerClasses(parsed.artifacts.modelTopology);
  if (unknown.length) {
    const list = unknown.map((u) => `"${u.name}" (${u.className})`).join(', ');
    throw new ModelFileError(parsed.modelFile, `uses layer classes TensorFlow.js ${tf.version.tfjs} does not know: ${list}. Replace them with built-in layers or convert the model to a graph model`);
  }
  checkLayersTopology(parsed.modelFile, parsed.artifacts.modelTopology, manifestValues(parsed));
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  // A scope collects the plain tensors the load makes (the decoded weights): tfjs disposes them
  // itself on success, not when loadWeights fails. Variables outlive scopes; a failure disposes
  // the ones it made. loadLayersModel on an in-memory handler runs in one chain of microtasks, so
  // no other worker message can put tensors into this scope.
  tf.engine().startScope();
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(parsed.artifacts));
  } catch (err) {
    // The layers built before the failure hold variables nobody can reach any more.
    for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!before.has(name)) v.dispose();
    throw new ModelFileError(parsed.modelFile, `could not be built as a layers model: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    tf.engine().endScope();
  }
}

/** A layers model's outputs, read by their final activation (sigmoid, softmax, or values). */
export function layersOutputs(model: tf.LayersModel): TeacherOutput[] {
  return model.outputs.map((o, i) => {
    // A Sequential lists no outputLayers (tfjs 4.22): the output tensor knows its layer.
    const layer = model.outputLayers[i] ?? o.sourceLayer;
    const config = layer.getConfig() as { activation?: unknown };
    const activation = typeof config.activation === 'string' ? config.activation : '';
    const shape = o.shape.slice(1);
    return outputKind(layer.name, shape.every((d) => d !== null) ? (shape as number[]) : null, activation);
  });
}
