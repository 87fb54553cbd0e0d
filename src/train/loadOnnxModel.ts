// An .onnx (and its external data) as the worker loads a user's model: decoded, planned and built
// as a TF.js layers model (src/onnx/layersModel.ts), so the teacher and student paths of
// ./loadUserModels.ts take it as they take a layers model. Its refusals are ModelFileErrors.
import type * as tf from '@tensorflow/tfjs';
import { ModelFileError } from '../byo/modelFiles';
import type { ModelFileData } from '../byo/files';
import { planConversion, type Plan } from '../onnx/convert/plan';
import { decodeOnnx } from '../onnx/decode';
import { OnnxError } from '../onnx/errors';
import { isOnnxName, onnxFileSet } from '../onnx/fileSet';
import { onnxLayersModel } from '../onnx/layersModel';
import type { ExternalFiles } from '../onnx/tensorData';
import { contentSource } from './contentHash';

/** What a loaded ONNX model keeps to be built again (a fresh student) and written out (.onnx). */
export interface OnnxSource {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly external: ExternalFiles;
  readonly plan: Plan;
}

export const hasOnnx = (files: readonly ModelFileData[]): boolean => files.some((f) => isOnnxName(f.name));

function refusal(file: string, err: unknown): unknown {
  if (!(err instanceof OnnxError)) return err;
  return new ModelFileError(file, err.message.startsWith(`${file}: `) ? err.message.slice(file.length + 2) : err.message);
}

/** Decodes and plans the files' .onnx; throws a ModelFileError naming the file. */
export function planOnnxFiles(files: readonly ModelFileData[]): OnnxSource {
  const file = files.find((f) => isOnnxName(f.name))?.name ?? 'model.onnx';
  try {
    const set = onnxFileSet(files);
    return { ...set, plan: planConversion(decodeOnnx(set.bytes, set.file), {}, set.external) };
  } catch (err) {
    throw refusal(file, err);
  }
}

/** A fresh layers model of the source at its file's weights. */
export function buildOnnxModel(source: OnnxSource, name: string): tf.LayersModel {
  try {
    return onnxLayersModel(source.plan, source.external, name).model;
  } catch (err) {
    throw refusal(source.file, err);
  }
}

export async function onnxContentSource(label: string, source: OnnxSource): Promise<string> {
  const parts = [source.bytes, ...source.external.values()];
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return contentSource(label, all);
}
