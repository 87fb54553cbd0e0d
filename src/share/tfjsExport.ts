// The trained student and its align module as TensorFlow.js layers models in one zip:
//   student/model.json + student/weights.bin
//   align/model.json   + align/weights.bin      (when a distillation run trained one)
//   maskd-layers.js                              (the custom layer the models use, for plain tfjs)
//   README.txt
// Each folder is what tf.loadLayersModel('…/model.json') reads (weightsManifest paths are
// relative). One zip rather than separate downloads: browsers hold back a page that starts
// several downloads at once, and the two models belong together.
import { strToU8, unzipSync, zipSync } from 'fflate';
import type { ModelArtifactsData } from '../engine/artifacts';
import type { StudentExport } from '../engine/models';
import { MASKD_LAYERS_FILE, MASKD_LAYERS_JS } from './maskdLayersJs';

export const WEIGHTS_FILE = 'weights.bin';

export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

export function tfjsModelJson(a: ModelArtifactsData, generatedBy: string, metadata?: Record<string, unknown>): TfjsModelJson {
  return {
    format: 'layers-model',
    generatedBy,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs.map((s) => ({ name: s.name, shape: [...s.shape], dtype: s.dtype })) }],
    ...(metadata ? { userDefinedMetadata: metadata } : {}),
  };
}

export function studentZip(exp: StudentExport, generatedBy: string): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const add = (dir: string, a: ModelArtifactsData, meta: Record<string, unknown>) => {
    files[`${dir}/model.json`] = strToU8(JSON.stringify(tfjsModelJson(a, generatedBy, meta)));
    files[`${dir}/${WEIGHTS_FILE}`] = new Uint8Array(a.weightData);
  };
  add('student', exp.student, { task: exp.task, tapLayer: exp.tapLayer, role: 'student' });
  if (exp.align) add('align', exp.align, { task: exp.task, role: 'align', input: `student feature at "${exp.tapLayer}"`, output: 'teacher feature width' });
  files[MASKD_LAYERS_FILE] = strToU8(MASKD_LAYERS_JS);
  files['README.txt'] = strToU8(
    [
      `MasKD Playground student (${exp.task}), TensorFlow.js layers format.`,
      `The models use a custom layer (MaskdBilinearResize): first import { registerMaskdLayers } from './${MASKD_LAYERS_FILE}' and call registerMaskdLayers(tf).`,
      'student/: the student network; then load it with tf.loadLayersModel(".../student/model.json").',
      exp.align
        ? `align/: the align module (1x1 conv) from the student's "${exp.tapLayer}" feature to the teacher's width.`
        : 'No align module: no distillation run has trained one yet in this session.',
      '',
    ].join('\n'),
  );
  return zipSync(files, { level: 6 });
}

/** The files of a student zip (tests and scripts). */
export function readStudentZip(bytes: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(bytes);
}
