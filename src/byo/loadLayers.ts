// A parsed layers-model file set → a tf.LayersModel and its layer graph, with unknown layer
// classes named before tfjs tries (and fails less clearly) to build them.
import * as tf from '@tensorflow/tfjs';
import '../models/resizeLayer';
import { ModelFileError, type ParsedModel } from './modelFiles';
import type { ModelGraph } from './topology';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Layer class names used anywhere in a Keras/tfjs topology (nested models included). */
export function layerClasses(topology: unknown): { name: string; className: string }[] {
  const out: { name: string; className: string }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isRecord(v)) return;
    if (typeof v.class_name === 'string' && isRecord(v.config)) {
      const name = typeof v.config.name === 'string' ? v.config.name : typeof v.name === 'string' ? v.name : '?';
      out.push({ name, className: v.class_name });
      if (Array.isArray(v.config.layers)) walk(v.config.layers);
      return;
    }
    if (isRecord(v.model_config)) walk(v.model_config);
  };
  walk(topology);
  return out;
}

/** Layer classes (excluding the model containers) this TensorFlow.js build cannot construct. */
export function unknownLayerClasses(topology: unknown): { name: string; className: string }[] {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  return layerClasses(topology).filter((l) => !['Model', 'Functional', 'Sequential'].includes(l.className) && !(l.className in known));
}

export function layersGraph(model: tf.LayersModel): ModelGraph {
  return {
    nodes: model.layers.map((l) => ({
      name: l.name,
      kind: l.getClassName(),
      shape: Array.isArray(l.outputShape[0]) ? null : (l.outputShape as (number | null)[]),
      inputs: l.inboundNodes[0]?.inboundLayers.map((x) => x.name) ?? [],
    })),
    inputs: model.inputLayers.map((l) => l.name),
    outputs: model.outputLayers.map((l) => l.name),
  };
}

export async function loadLayersFromParsed(parsed: ParsedModel): Promise<tf.LayersModel> {
  const unknown = unknownLayerClasses(parsed.artifacts.modelTopology);
  if (unknown.length) {
    const list = unknown.map((u) => `"${u.name}" (${u.className})`).join(', ');
    throw new ModelFileError(parsed.modelFile, `uses layer classes TensorFlow.js ${tf.version.tfjs} does not know: ${list}. Replace them with built-in layers or convert the model to a graph model`);
  }
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(parsed.artifacts));
  } catch (err) {
    throw new ModelFileError(parsed.modelFile, `could not be built as a layers model: ${err instanceof Error ? err.message : String(err)}`);
  }
}
