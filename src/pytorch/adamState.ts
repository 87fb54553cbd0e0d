// TF.js's Adam state as train.py's: getWeights() order is the iteration count, then every
// first moment, then every second moment, in the order of the variables it updates (the
// Distiller's: student.trainableWeights, then align.trainableWeights). Each moment takes its
// variable's PyTorch name and layout (the same conversion as the weight, by running the
// generator over the moments in place of the weights): `exp_avg.<role>.<param>`,
// `exp_avg_sq.<role>.<param>` and `step`.
import type * as tf from '@tensorflow/tfjs';
import type { NamedArray } from '../engine/artifacts';
import type { SafetensorsTensor } from '../share/safetensors';
import { layerGraph, PytorchExportError, type LayerGraph, type WeightValue } from './graph';
import { generateModule } from './moduleSource';

const BUFFERS = /\.(running_mean|running_var|num_batches_tracked)$/;

/** The trainable weights of `model` as (layer, short name, shape), in trainableWeights order. */
function trainables(model: tf.LayersModel): { layer: string; name: string; shape: number[] }[] {
  const owner = new Map<string, string>();
  for (const l of model.layers) for (const w of l.trainableWeights) owner.set(w.originalName, l.name);
  return model.trainableWeights.map((w) => ({
    layer: owner.get(w.originalName) ?? '',
    name: w.originalName.slice(w.originalName.lastIndexOf('/') + 1),
    shape: w.shape.map((d) => d ?? 0),
  }));
}

/** `graph` with each trainable weight replaced by `values` (by layer and short name) and every other weight by zeros. */
function withValues(graph: LayerGraph, values: Map<string, Float32Array>): LayerGraph {
  return {
    ...graph,
    layers: graph.layers.map((l) => ({
      ...l,
      weights: Object.fromEntries(
        Object.entries(l.weights).map(([k, w]): [string, WeightValue] => [k, { shape: w.shape, data: values.get(`${l.name}/${k}`) ?? new Float32Array(w.data.length) }]),
      ),
    })),
  };
}

/** Adam's state from `optimizer` (TF.js getWeights order) for train.py, keyed by PyTorch names under each role. */
export function adamStateForTorch(optimizer: readonly NamedArray[], parts: readonly { role: string; model: tf.LayersModel }[]): Record<string, SafetensorsTensor> {
  const vars = parts.flatMap((p) => trainables(p.model).map((v) => ({ ...v, role: p.role })));
  // Adam makes a variable's moments when its first gradient arrives: the student alone ('none')
  // never runs the align module, so its state covers the first part's weights only; the rest
  // start from zero moments, as PyTorch's Adam starts a parameter it has no state for.
  const firstPart = vars.filter((v) => v.role === parts[0]?.role).length;
  const moments = (optimizer.length - 1) / 2;
  if (moments !== vars.length && moments !== firstPart) {
    throw new PytorchExportError(`the optimiser state holds ${optimizer.length - 1} moments; the student and align module have ${vars.length} trainable weights (twice that expected)`);
  }
  const step = optimizer[0].data[0];
  const out: Record<string, SafetensorsTensor> = { step: { dtype: 'I64', shape: [], data: BigInt64Array.from([BigInt(Math.round(step))]) } };
  for (const [which, offset] of [['exp_avg', 1], ['exp_avg_sq', 1 + moments]] as const) {
    for (const part of parts) {
      const values = new Map<string, Float32Array>();
      vars.forEach((v, i) => {
        if (v.role !== part.role || i >= moments) return;
        const a = optimizer[offset + i];
        if (a.shape.join(',') !== v.shape.join(',')) throw new PytorchExportError(`moment ${a.name} has shape [${a.shape.join(',')}], its weight ${v.layer}/${v.name} [${v.shape.join(',')}]`);
        values.set(`${v.layer}/${v.name}`, a.data);
      });
      const state = generateModule(withValues(layerGraph(part.model), values)).state;
      for (const [k, t] of Object.entries(state)) if (!BUFFERS.test(k)) out[`${which}.${part.role}.${k}`] = t;
    }
  }
  return out;
}
