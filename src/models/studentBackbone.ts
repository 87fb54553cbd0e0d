// The shipped pretrained backbone of the demo students (public/models/student-backbone/): its
// weights as float32 in weights.bin, listed in meta.json by name (the weight's layer-scoped name,
// e.g. `stem_conv/kernel`) and shape, in order. Before a student takes them, the list must name
// exactly the weights of the student's backbone (input → `neck`) with their shapes, and the bytes
// must be that many floats, all finite: anything else is refused, never half-applied.
import * as tf from '@tensorflow/tfjs';
import { backboneLayers } from './backboneClassifier';

export const BACKBONE_FORMAT = 'maskd-student-backbone';
export const BACKBONE_VERSION = 1;

export interface BackboneWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The part of meta.json a loader needs (the rest records the recipe). */
export interface BackboneManifest {
  readonly format: typeof BACKBONE_FORMAT;
  readonly version: typeof BACKBONE_VERSION;
  readonly weights: readonly BackboneWeightSpec[];
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
/** A weight's shape (weights always have static shapes). */
const shapeOf = (w: tf.LayerVariable): number[] => w.shape.map((d) => d ?? 0);

/** The backbone weights of `model` (a student or the pretraining classifier) as a manifest and one float32 array. */
export function extractBackbone(model: tf.LayersModel): { manifest: BackboneManifest; data: Float32Array } {
  const weights = backboneLayers(model).flatMap((l) => l.weights);
  const data = new Float32Array(weights.reduce((n, w) => n + sizeOf(shapeOf(w)), 0));
  let offset = 0;
  for (const w of weights) {
    const values = w.read().dataSync();
    data.set(values, offset);
    offset += values.length;
  }
  return { manifest: { format: BACKBONE_FORMAT, version: BACKBONE_VERSION, weights: weights.map((w) => ({ name: w.originalName, shape: shapeOf(w) })) }, data };
}

/** Checks a manifest and its bytes against `model`'s backbone; returns each weight's values by name, or throws saying what does not fit. */
export function checkBackbone(model: tf.LayersModel, manifest: unknown, bytes: ArrayBuffer): Map<string, Float32Array> {
  const m = manifest as Partial<BackboneManifest> | null;
  if (!m || m.format !== BACKBONE_FORMAT || m.version !== BACKBONE_VERSION || !Array.isArray(m.weights)) {
    throw new Error(`meta.json is not a ${BACKBONE_FORMAT} v${BACKBONE_VERSION} manifest`);
  }
  const expected = new Map(backboneLayers(model).flatMap((l) => l.weights).map((w) => [w.originalName, shapeOf(w)] as const));
  const seen = new Set<string>();
  let floats = 0;
  for (const spec of m.weights) {
    if (!spec || typeof spec.name !== 'string' || !Array.isArray(spec.shape)) throw new Error('a weight entry lacks its name or shape');
    const want = expected.get(spec.name);
    if (!want) throw new Error(`weight ${spec.name} is not in the student's backbone`);
    if (seen.has(spec.name)) throw new Error(`weight ${spec.name} is listed twice`);
    if (spec.shape.join(',') !== want.join(',')) throw new Error(`weight ${spec.name} has shape [${spec.shape.join(',')}], the student's is [${want.join(',')}]`);
    seen.add(spec.name);
    floats += sizeOf(spec.shape);
  }
  const missing = [...expected.keys()].filter((n) => !seen.has(n));
  if (missing.length) throw new Error(`the file lacks ${missing.length} backbone weight(s): ${missing.slice(0, 3).join(', ')}`);
  if (bytes.byteLength !== floats * 4) throw new Error(`weights.bin has ${bytes.byteLength} bytes, the manifest lists ${floats * 4}`);
  const data = new Float32Array(bytes);
  if (!data.every(Number.isFinite)) throw new Error('weights.bin holds non-finite values');
  const values = new Map<string, Float32Array>();
  let offset = 0;
  for (const spec of m.weights) {
    const n = sizeOf(spec.shape);
    values.set(spec.name, data.subarray(offset, offset + n));
    offset += n;
  }
  return values;
}

/** Writes checked values (checkBackbone) into `model`'s backbone weights; the head is untouched. */
export function applyBackbone(model: tf.LayersModel, values: ReadonlyMap<string, Float32Array>): void {
  for (const w of backboneLayers(model).flatMap((l) => l.weights)) {
    const v = values.get(w.originalName);
    if (!v) throw new Error(`no value for ${w.originalName}`);
    const t = tf.tensor(v, shapeOf(w), 'float32');
    w.write(t);
    t.dispose();
  }
}
