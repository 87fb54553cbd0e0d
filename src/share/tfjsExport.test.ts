import * as tf from '@tensorflow/tfjs';
import { strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { modelToArtifacts } from '../train/artifacts';
import { readStudentZip, studentZip, type TfjsModelJson } from './tfjsExport';

await tf.setBackend('cpu');

function tinyModel(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 2] });
  const out = tf.layers.conv2d({ filters: 3, kernelSize: 1, kernelInitializer: tf.initializers.randomNormal({ seed }) }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('student zip', () => {
  it('holds student/ and align/ in the tfjs layers format, and each loads back with the same weights and outputs', async () => {
    const student = tinyModel(1);
    const align = tinyModel(2);
    const zip = studentZip({ task: 'segmentation', student: await modelToArtifacts(student), align: await modelToArtifacts(align), tapLayer: 'neck' }, 'test 1.0');
    const files = readStudentZip(zip);
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'align/model.json', 'align/weights.bin', 'student/model.json', 'student/weights.bin']);
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
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'student/model.json', 'student/weights.bin']);
    expect(strFromU8(files['README.txt'])).toMatch(/No align module/);
    student.dispose();
  });
});
