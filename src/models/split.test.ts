import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TAP_LAYER, buildStudent, buildTeacher } from './nets';
import { splitAtLayer } from './split';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0];
  d.dispose();
  return v;
}

describe('splitAtLayer', () => {
  it.each(['segmentation', 'detection'] as const)('%s: head(backbone(x)) equals the model, weights shared', async (task) => {
    const model = buildTeacher(task, { inputShape: [16, 16, 3] });
    const { backbone, head, tapShape } = splitAtLayer(model, TAP_LAYER);
    expect(tapShape).toEqual([4, 4, 64]);
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 1);
    const full = model.predict(x) as tf.Tensor;
    const feat = backbone.predict(x) as tf.Tensor;
    const viaHead = head.predict(feat) as tf.Tensor;
    expect(await maxAbsDiff(full, viaHead)).toBeLessThan(1e-5);
    const last = task === 'segmentation' ? 'seg_logits' : 'det_out';
    expect(head.getLayer(last)).toBe(model.getLayer(last));
    expect(head.countParams() + backbone.countParams()).toBe(model.countParams());
    // A second split of the same model still works (layers now sit in several graphs).
    const again = splitAtLayer(model, TAP_LAYER);
    const viaHead2 = again.head.predict(again.backbone.predict(x) as tf.Tensor) as tf.Tensor;
    expect(await maxAbsDiff(full, viaHead2)).toBeLessThan(1e-5);
    tf.dispose([x, full, feat, viaHead, viaHead2]);
  });

  it('works on the student too', () => {
    const { tapShape } = splitAtLayer(buildStudent('segmentation', { inputShape: [16, 16, 3] }), TAP_LAYER);
    expect(tapShape).toEqual([4, 4, 32]);
  });

  it('rejects a missing tap, a non-4-D tap and a head with a skip connection', () => {
    const model = buildStudent('detection', { inputShape: [16, 16, 3] });
    expect(() => splitAtLayer(model, 'nope')).toThrow(/no layer "nope"/);

    const x = tf.input({ shape: [8] });
    const h = tf.layers.dense({ units: 4, name: 'feat' }).apply(x) as tf.SymbolicTensor;
    const o = tf.layers.dense({ units: 2 }).apply(h) as tf.SymbolicTensor;
    expect(() => splitAtLayer(tf.model({ inputs: x, outputs: o }), 'feat')).toThrow(/4-D/);

    const img = tf.input({ shape: [8, 8, 3] });
    const early = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'early' }).apply(img) as tf.SymbolicTensor;
    const tap = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'tap' }).apply(early) as tf.SymbolicTensor;
    const post = tf.layers.conv2d({ filters: 4, kernelSize: 1, name: 'post' }).apply(tap) as tf.SymbolicTensor;
    const skip = tf.layers.add({ name: 'skip_add' }).apply([post, early]) as tf.SymbolicTensor;
    expect(() => splitAtLayer(tf.model({ inputs: img, outputs: skip }), 'tap')).toThrow(/reads "early" through layer "skip_add"/);
  });
});
