// Node only (scripts, tests): a shipped demo teacher (public/models/<task>-teacher/) read from disk,
// with the meta.json scripts/train-teachers.ts wrote beside it. Kept apart from the browser bundle.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '../models/resizeLayer';
import type { Task } from '../models/nets';

export const MODELS_DIR = fileURLToPath(new URL('../../public/models/', import.meta.url));

export const teacherDir = (task: Task, modelsDir: string = MODELS_DIR): string => `${modelsDir.replace(/\/?$/, '/')}${task}-teacher/`;

/** meta.json of a shipped teacher, as plain JSON (its fields: scripts/train-teachers.ts). */
export function readTeacherMeta(task: Task, modelsDir?: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${teacherDir(task, modelsDir)}meta.json`, 'utf8')) as Record<string, unknown>;
}

/** The shipped teacher as a LayersModel on the current backend. */
export async function loadShippedTeacher(task: Task, modelsDir?: string): Promise<tf.LayersModel> {
  const dir = teacherDir(task, modelsDir);
  const modelJson = JSON.parse(readFileSync(`${dir}model.json`, 'utf8'));
  const weights = readFileSync(`${dir}weights.bin`);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    }),
  );
}
