import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../backends/wasm/node';
import { reseedKernels } from '../train/seededInit';
import { backboneLayers, buildBackboneClassifier } from './backboneClassifier';
import { buildStudent } from './nets';
import './resizeLayer';
import { applyBackbone, checkBackbone, extractBackbone, type BackboneManifest } from './studentBackbone';

const built: tf.LayersModel[] = [];
const keep = (m: tf.LayersModel) => (built.push(m), m);
beforeAll(useWasmBackend);
afterEach(() => built.splice(0).forEach((m) => m.dispose()));

const layout = (m: tf.LayersModel) => backboneLayers(m).map((l) => [l.name, l.weights.map((w) => [w.originalName, w.shape])]);
const bytesOf = (d: Float32Array) => d.slice().buffer;

it('the segmentation and detection students have the same backbone, and so has the pretraining net', () => {
  const seg = keep(buildStudent('segmentation'));
  expect(layout(seg).length).toBe(14);
  expect(layout(keep(buildStudent('detection')))).toEqual(layout(seg));
  expect(layout(keep(buildBackboneClassifier()))).toEqual(layout(seg));
});

it('a backbone taken from the pretraining net loads into a student by name, and the head is untouched', () => {
  const net = keep(buildBackboneClassifier());
  reseedKernels(net, 7);
  const { manifest, data } = extractBackbone(net);
  const student = keep(buildStudent('detection'));
  reseedKernels(student, 1);
  const headBefore = student.getLayer('det_out').getWeights().map((w) => Array.from(w.dataSync()));
  applyBackbone(student, checkBackbone(student, JSON.parse(JSON.stringify(manifest)), bytesOf(data)));
  expect(extractBackbone(student).data).toEqual(data);
  expect(student.getLayer('det_out').getWeights().map((w) => Array.from(w.dataSync()))).toEqual(headBefore);
});

it('refuses a manifest or bytes that do not fit the student', () => {
  const student = keep(buildStudent('segmentation'));
  const { manifest, data } = extractBackbone(student);
  const ok = bytesOf(data);
  const m = (patch: Partial<BackboneManifest>) => ({ ...manifest, ...patch });
  expect(() => checkBackbone(student, null, ok)).toThrow(/not a maskd-student-backbone/);
  expect(() => checkBackbone(student, m({ version: 2 as 1 }), ok)).toThrow(/manifest/);
  expect(() => checkBackbone(student, m({ weights: manifest.weights.slice(1) }), ok)).toThrow(/lacks 1 backbone weight/);
  expect(() => checkBackbone(student, m({ weights: [...manifest.weights, { name: 'seg_cls/kernel', shape: [1, 1, 32, 11] }] }), ok)).toThrow(/not in the student's backbone/);
  const reshaped = manifest.weights.map((w, i) => (i === 0 ? { ...w, shape: [3, 3, 3, 16] } : w));
  expect(() => checkBackbone(student, m({ weights: reshaped }), ok)).toThrow(/stem_conv\/kernel has shape \[3,3,3,16\]/);
  expect(() => checkBackbone(student, manifest, ok.slice(4))).toThrow(/bytes/);
  const nan = data.slice();
  nan[5] = NaN;
  expect(() => checkBackbone(student, manifest, nan.buffer)).toThrow(/non-finite/);
});
