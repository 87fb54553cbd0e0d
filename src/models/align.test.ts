import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAlign } from './align';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('buildAlign', () => {
  it('maps student width to teacher width at the same size', () => {
    const a = buildAlign([16, 16, 32], [16, 16, 64]);
    expect(a.outputs[0].shape).toEqual([null, 16, 16, 64]);
    expect(a.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D']);
    expect(a.countParams()).toBe(32 * 64 + 64);
  });

  it('resizes when spatial sizes differ, and runs', async () => {
    const a = buildAlign([8, 8, 32], [16, 16, 64]);
    const y = tf.tidy(() => a.predict(tf.ones([2, 8, 8, 32])) as tf.Tensor);
    expect(y.shape).toEqual([2, 16, 16, 64]);
    expect((await y.data()).every(Number.isFinite)).toBe(true);
    y.dispose();
  });

  it('can be an identity and rejects bad shapes', () => {
    expect(buildAlign([4, 4, 8], [4, 4, 8], { identityWhenSameWidth: true }).countParams()).toBe(0);
    expect(() => buildAlign([4, 4, 0], [4, 4, 8])).toThrow(/positive integers/);
  });
});

describe('align resize', () => {
  it('gradients flow through the resize to the conv', () => {
    const a = buildAlign([4, 4, 2], [8, 8, 3]);
    const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 3);
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(a.apply(x) as tf.Tensor)) as tf.Scalar);
    expect(Object.keys(grads)).toHaveLength(2);
    tf.dispose([x, value, ...Object.values(grads)]);
  });

  it('round-trips through JSON serialisation', async () => {
    const a = buildAlign([4, 4, 2], [8, 8, 3], { name: 'align_rt' });
    const saved: tf.io.ModelArtifacts[] = [];
    await a.save(tf.io.withSaveHandler(async (art) => {
      saved.push(art);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(JSON.stringify(saved[0].modelTopology)).toContain('MaskdBilinearResize');
    const b = await tf.loadLayersModel(tf.io.fromMemory(saved[0]));
    const x = tf.ones([1, 4, 4, 2]);
    const ya = a.predict(x) as tf.Tensor;
    const yb = b.predict(x) as tf.Tensor;
    const d = tf.max(tf.abs(tf.sub(ya, yb)));
    expect((await d.data())[0]).toBeLessThan(1e-6);
    tf.dispose([x, ya, yb, d]);
  });
});
