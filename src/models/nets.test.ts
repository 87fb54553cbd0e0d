import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelCost } from './flops';
import { DET_CHANNELS, NET_STRIDE, SEG_CLASSES, TAP_LAYER, buildStudent, buildTeacher, pixelShuffle, taskChannels, type Task } from './nets';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const TASKS: Task[] = ['segmentation', 'detection'];

describe('demo nets', () => {
  it.each(TASKS)('%s: teacher ≤ 15 MFLOPs, student ≈ ¼ of it, widths need an align', (task) => {
    const teacher = buildTeacher(task);
    const student = buildStudent(task);
    const t = modelCost(teacher);
    const s = modelCost(student);
    expect(t.uncounted).toEqual([]);
    expect(t.flops).toBeLessThanOrEqual(15e6);
    expect(s.flops / t.flops).toBeGreaterThan(0.2);
    expect(s.flops / t.flops).toBeLessThan(0.33);
    expect(teacher.getLayer(TAP_LAYER).outputShape).toEqual([null, 16, 16, 64]);
    expect(student.getLayer(TAP_LAYER).outputShape).toEqual([null, 16, 16, 32]);
    expect(teacher.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(true);
    const out = teacher.outputs[0].shape;
    expect(out).toEqual(task === 'segmentation' ? [null, 64, 64, SEG_CLASSES] : [null, 16, 16, DET_CHANNELS]);
  });

  it('the segmentation head\'s pixel shuffle puts channel dy·4 + dx of cell (i, j) at pixel (4i + dy, 4j + dx)', async () => {
    const s = NET_STRIDE;
    const input = tf.input({ shape: [2, 3, s * s] });
    const model = tf.model({ inputs: input, outputs: pixelShuffle(input, 'ps', 2 * s, 3 * s) });
    // value = i·1000 + j·100 + channel, so every output pixel says where it came from
    const cells = tf.tidy(() => tf.tensor4d(Array.from({ length: 2 * 3 * s * s }, (_, k) => {
      const c = k % (s * s), j = Math.floor(k / (s * s)) % 3, i = Math.floor(k / (3 * s * s));
      return i * 1000 + j * 100 + c;
    }), [1, 2, 3, s * s]));
    const out = model.predict(cells) as tf.Tensor;
    expect(out.shape).toEqual([1, 2 * s, 3 * s, 1]);
    const v = await out.data();
    tf.dispose([cells, out]);
    for (let y = 0; y < 2 * s; y++) {
      for (let x = 0; x < 3 * s; x++) {
        const i = Math.floor(y / s), j = Math.floor(x / s);
        expect(v[y * 3 * s + x]).toBe(i * 1000 + j * 100 + (y % s) * s + (x % s));
      }
    }
  });

  it('input size is configurable and must be a multiple of 4', () => {
    expect(buildStudent('segmentation', { inputShape: [32, 48, 3] }).outputs[0].shape).toEqual([null, 32, 48, SEG_CLASSES]);
    expect(() => buildStudent('detection', { inputShape: [30, 32, 3] })).toThrow(/multiple/);
  });

  it('detection heatmap starts at the 0.1 prior', async () => {
    const m = buildTeacher('detection', { inputShape: [16, 16, 3] });
    const heat = tf.tidy(() => tf.sigmoid((m.predict(tf.zeros([1, 16, 16, 3])) as tf.Tensor).slice([0, 0, 0, 0], [1, 4, 4, 10])));
    const v = await heat.data();
    heat.dispose();
    expect(Math.abs(v[0] - 0.1)).toBeLessThan(0.02);
  });
});

describe('demo nets train and serialise', () => {
  it.each(TASKS)('%s: one SGD step on a tiny input updates every trainable weight, no leak', async (task) => {
    const model = buildStudent(task, { inputShape: [16, 16, 3] });
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar);
    const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    expect(Object.keys(grads).sort()).toEqual([...names].sort());
    const loss = (await value.data())[0];
    expect(Number.isFinite(loss)).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('a teacher survives save/load with identical outputs', async () => {
    const model = buildTeacher('segmentation', { inputShape: [16, 16, 3] });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    if (!artifacts) throw new Error('not saved');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const x = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 5);
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor))));
    expect((await d.data())[0]).toBeLessThan(1e-5);
    tf.dispose([x, d]);
  });
});

describe('class count', () => {
  it('sizes the head to a dataset’s classes; the default is the digit demo’s', async () => {
    expect(buildStudent('segmentation', { inputShape: [16, 16, 3], numClasses: 3 }).outputs[0].shape).toEqual([null, 16, 16, 3]);
    const det = buildTeacher('detection', { inputShape: [16, 16, 3], numClasses: 2 });
    expect(det.outputs[0].shape).toEqual([null, 4, 4, 6]);
    const bias = await det.getLayer('det_out').getWeights()[1].data();
    expect(Array.from(bias).map((v) => v.toFixed(2))).toEqual(['-2.19', '-2.19', '0.00', '0.00', '0.00', '0.00']);
    expect(taskChannels('segmentation')).toBe(SEG_CLASSES);
    expect(taskChannels('detection')).toBe(DET_CHANNELS);
    expect(() => buildStudent('segmentation', { inputShape: [16, 16, 3], numClasses: 0 })).toThrow(/numClasses/);
  });
});
