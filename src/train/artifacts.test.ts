import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStudent } from '../models/nets';
import { artifactsToModel, modelToArtifacts } from './artifacts';

describe('model artifacts', () => {
  beforeAll(() => tf.setBackend('cpu'));

  it('round-trips a demo model to identical predictions', async () => {
    const model = buildStudent('segmentation', { inputShape: [16, 16, 3] });
    const data = await modelToArtifacts(model);
    // countParams() includes BatchNorm moving statistics, which are saved too.
    expect(data.weightData.byteLength).toBe(model.countParams() * 4);
    const copy = await artifactsToModel(data);
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 1);
    const a = model.predict(x) as tf.Tensor;
    const b = copy.predict(x) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    copy.dispose();
  });
});

