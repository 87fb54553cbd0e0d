import * as tf from '@tensorflow/tfjs';
import { strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BilinearResize } from '../models/resizeLayer';
import { modelToArtifacts } from '../train/artifacts';
import { MASKD_LAYERS_JS } from './maskdLayersJs';
import { readStudentZip, studentZip, type TfjsModelJson } from './tfjsExport';

await tf.setBackend('cpu');

function tinyModel(seed: number, resize = false): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 2] });
  let out = tf.layers.conv2d({ filters: 3, kernelSize: 1, kernelInitializer: tf.initializers.randomNormal({ seed }) }).apply(input) as tf.SymbolicTensor;
  if (resize) out = new BilinearResize({ height: 8, width: 8 }).apply(out) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('student zip', () => {
  it('holds student/ and align/ in the tfjs layers format, and each loads back with the same weights and outputs', async () => {
    const student = tinyModel(1);
    const align = tinyModel(2);
    const zip = studentZip({ task: 'segmentation', student: await modelToArtifacts(student), align: await modelToArtifacts(align), tapLayer: 'neck' }, 'test 1.0');
    const files = readStudentZip(zip);
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'align/model.json', 'align/weights.bin', 'maskd-layers.js', 'student/model.json', 'student/weights.bin']);
    for (const [dir, original] of [['student', student], ['align', align]] as const) {
      const json = JSON.parse(strFromU8(files[`${dir}/model.json`])) as TfjsModelJson;
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
      const bin = files[`${dir}/weights.bin`];
      const loaded = await tf.loadLayersModel(
        tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights as tf.io.WeightsManifestEntry[], weightData: bin.slice().buffer }),
      );
      const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 3);
      const [a, b] = [original.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
      tf.dispose([x, a, b]);
      loaded.dispose();
    }
    student.dispose();
    align.dispose();
  });

  it('without an align module says so', async () => {
    const student = tinyModel(1);
    const files = readStudentZip(studentZip({ task: 'detection', student: await modelToArtifacts(student), align: null, tapLayer: 'neck' }, 't'));
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'maskd-layers.js', 'student/model.json', 'student/weights.bin']);
    expect(strFromU8(files['README.txt'])).toMatch(/No align module/);
    student.dispose();
  });
});

describe('maskd-layers.js', () => {
  it('registers a MaskdBilinearResize that loads an exported model with the same outputs as the app layer', async () => {
    const original = tinyModel(5, true);
    const files = readStudentZip(studentZip({ task: 'segmentation', student: await modelToArtifacts(original), align: null, tapLayer: 'neck' }, 't'));
    const mod = (await import(`data:text/javascript,${encodeURIComponent(strFromU8(files['maskd-layers.js']))}`)) as { registerMaskdLayers(t: typeof tf): { MaskdBilinearResize: unknown } };
    expect(strFromU8(files['maskd-layers.js'])).toBe(MASKD_LAYERS_JS);
    // Replaces the app's registration, as a plain tfjs page would have only this one.
    const { MaskdBilinearResize } = mod.registerMaskdLayers(tf);
    const json = JSON.parse(strFromU8(files['student/model.json'])) as TfjsModelJson;
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights as tf.io.WeightsManifestEntry[], weightData: files['student/weights.bin'].slice().buffer }),
    );
    expect(loaded.layers.some((l) => l instanceof (MaskdBilinearResize as typeof tf.layers.Layer))).toBe(true);
    const x = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 9);
    const [a, b] = [original.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(b.shape).toEqual([2, 8, 8, 3]);
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    loaded.dispose();
    original.dispose();
  });
});
