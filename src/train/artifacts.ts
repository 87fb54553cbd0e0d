import * as tf from '@tensorflow/tfjs';
import type { ModelArtifactsData } from '../engine/artifacts';

export async function modelToArtifacts(model: tf.LayersModel): Promise<ModelArtifactsData> {
  let captured: ModelArtifactsData | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      if (!a.modelTopology || !a.weightSpecs || !a.weightData) throw new Error('model has no topology or weights to save');
      captured = {
        modelTopology: a.modelTopology as object,
        weightSpecs: a.weightSpecs.map((s) => ({ name: s.name, shape: [...s.shape], dtype: s.dtype })),
        weightData: tf.io.CompositeArrayBuffer.join(a.weightData),
      };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  if (!captured) throw new Error('model.save produced nothing');
  return captured;
}

export function artifactsToModel(data: ModelArtifactsData): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: data.modelTopology,
      weightSpecs: data.weightSpecs.map((s) => ({ ...s, dtype: s.dtype as 'float32' })),
      weightData: data.weightData,
    }),
  );
}
