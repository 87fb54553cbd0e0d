// A dropped set of files → TensorFlow.js model artifacts, or a ModelFileError naming the file and
// the problem. Pure (no tensors, no DOM): the order of checks is the order a user would fix them
// in: is there a model.json, is it JSON, is it a tfjs model, does it fit the device, are all its
// shards there (and no stray ones), do the shard sizes match the manifest.
import type * as tf from '@tensorflow/tfjs';
import { LIMITS, limitText } from '../limits';
import { formatByteCount, groupDigits } from '../messageNumbers';
import { errorText } from '../errorText';
import { clip, quote, shapeText, valueText } from '../messageQuote';
import { isRecord } from '../isRecord';

/** One dropped/picked/fetched file; `name` may carry a folder path (`teacher/model.json`). */
export interface ModelFile {
  readonly name: string;
  readonly data: ArrayBuffer;
}

export type ModelFormat = 'layers-model' | 'graph-model';

/** A list of names from a drop or a manifest, a few of them, each cut short. */
export function nameList(names: readonly string[]): string {
  const shown = names.slice(0, 3).map((n) => clip(n, 40)).join(', ');
  return names.length > 3 ? `${shown}, … (${groupDigits(names.length)} in all)` : shown;
}

/**
 * A user's model file refused: the file and the problem. The file name is cut at
 * LIMITS.quoteChars and the problem at LIMITS.noticeChars, whatever the file said.
 */
export class ModelFileError extends Error {
  readonly file: string;
  readonly problem: string;
  constructor(file: string, problem: string) {
    const f = clip(file);
    const p = clip(problem, LIMITS.noticeChars.value);
    super(`${f}: ${p}`);
    this.file = f;
    this.problem = p;
    this.name = 'ModelFileError';
  }
}

/** What the device can hold: one binding (one tensor) and all weights together, in bytes. */
export interface DeviceLimits {
  readonly maxTensorBytes: number;
  readonly maxTotalBytes: number;
  /** Where the numbers come from, for the message (e.g. "WebGPU maxStorageBufferBindingSize"). */
  readonly source: string;
}

export interface ParsedModel {
  readonly format: ModelFormat;
  /** The model.json's name as dropped. */
  readonly modelFile: string;
  readonly artifacts: tf.io.ModelArtifacts;
  readonly weightBytes: number;
  readonly shardFiles: readonly string[];
}

type WeightSpec = tf.io.WeightsManifestEntry;

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 };

export const baseName = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} bytes`;
}

/** The model.json of the set: the one named model.json, else the only .json file. */
function pickModelJson(files: readonly ModelFile[]): ModelFile {
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const named = jsons.filter((f) => baseName(f.name) === 'model.json');
  if (named.length === 1) return named[0];
  if (named.length > 1) throw new ModelFileError(named.map((f) => f.name).join(', '), 'several model.json files: drop one model at a time');
  if (jsons.length === 1) return jsons[0];
  const listed = files.map((f) => baseName(f.name)).join(', ') || 'nothing';
  throw new ModelFileError(
    jsons.length ? jsons.map((f) => f.name).join(', ') : '(dropped files)',
    jsons.length ? 'several JSON files and none is named model.json: drop the model folder or model.json with its .bin shards' : `no model.json among the files (${listed}): drop model.json together with its .bin weight shards`,
  );
}

/** Bytes of one weight as stored (quantised weights take their quantisation dtype). */
export function storedBytes(spec: WeightSpec): number {
  const n = spec.shape.reduce((a, d) => a * d, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  return n * (DTYPE_BYTES[dtype] ?? NaN);
}

/** Bytes of one weight once on the device (dequantised to its dtype). */
function deviceBytes(spec: WeightSpec): number {
  return spec.shape.reduce((a, d) => a * d, 1) * (DTYPE_BYTES[spec.dtype] ?? 4);
}

function checkSpec(file: string, spec: unknown, index: number): WeightSpec {
  if (!isRecord(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || typeof spec.dtype !== 'string') {
    throw new ModelFileError(file, `weightsManifest entry ${index} is not a weight spec {name, shape, dtype}`);
  }
  if (!spec.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw new ModelFileError(file, `weight ${quote(spec.name)} has an invalid shape ${shapeText(spec.shape)}`);
  }
  const s = spec as unknown as WeightSpec;
  if (!Number.isSafeInteger((spec.shape as number[]).reduce((a, d) => a * d, 1))) {
    throw new ModelFileError(file, `weight ${quote(spec.name)} has a shape ${shapeText(spec.shape)} too large for any device`);
  }
  if (!Number.isFinite(storedBytes(s))) throw new ModelFileError(file, `weight ${quote(spec.name)} has dtype ${valueText(s.quantization?.dtype ?? s.dtype)}, which TensorFlow.js weights cannot hold`);
  return s;
}

/** A file of a model as the page sees it before reading: its name and File.size (or a fetch's Content-Length). */
export interface SizedModelFile {
  readonly name: string;
  readonly size: number;
}

/**
 * Throws a ModelFileError naming the file and the limit when a set of model files cannot be a
 * model the playground loads: a model.json over its byte limit, more shard files than the shard
 * limit, or more bytes in all than the weight budget plus one model.json. Call it with File.size
 * values before reading any file; parseModelFiles checks the bytes again.
 */
export function checkModelFileSizes(files: readonly SizedModelFile[]): void {
  let total = 0;
  let shards = 0;
  for (const f of files) {
    if (!(Number.isSafeInteger(f.size) && f.size >= 0)) throw new ModelFileError(f.name, `has no valid size (${String(f.size)})`);
    if (f.name.toLowerCase().endsWith('.json')) {
      if (f.size > LIMITS.modelJsonBytes.value) {
        throw new ModelFileError(f.name, `is ${formatByteCount(f.size)}, over ${limitText('modelJsonBytes')} on ${LIMITS.modelJsonBytes.what}; it was not read`);
      }
    } else shards++;
    total += f.size;
  }
  if (shards > LIMITS.modelShards.value + 8) {
    throw new ModelFileError('(dropped files)', `${groupDigits(shards)} files besides model.json, over ${limitText('modelShards')} on ${LIMITS.modelShards.what}: drop one model folder`);
  }
  const budget = LIMITS.modelWeightBytes.value + LIMITS.modelJsonBytes.value;
  if (total > budget) {
    throw new ModelFileError('(dropped files)', `${formatByteCount(total)} in all, over ${limitText('modelWeightBytes')} on ${LIMITS.modelWeightBytes.what} (plus one model.json); nothing was read`);
  }
}

export function parseModelFiles(files: readonly ModelFile[], limits: DeviceLimits): ParsedModel {
  const jsonFile = pickModelJson(files);
  const file = jsonFile.name;
  if (jsonFile.data.byteLength > LIMITS.modelJsonBytes.value) {
    throw new ModelFileError(file, `is ${formatByteCount(jsonFile.data.byteLength)}, over ${limitText('modelJsonBytes')} on ${LIMITS.modelJsonBytes.what}; it was not parsed`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: false }).decode(jsonFile.data));
  } catch (err) {
    throw new ModelFileError(file, `is not JSON (${errorText(err)}): drop the model.json a TensorFlow.js export wrote`);
  }
  if (!isRecord(doc) || !isRecord(doc.modelTopology) || !Array.isArray(doc.weightsManifest)) {
    const keys = isRecord(doc) ? Object.keys(doc).slice(0, 8).join(', ') || 'none' : Array.isArray(doc) ? 'an array' : typeof doc;
    throw new ModelFileError(
      file,
      `is JSON but not a TensorFlow.js model: it needs "modelTopology" and "weightsManifest" (it has: ${keys}). Convert Keras/TF models with tensorflowjs_converter first`,
    );
  }
  const topo = doc.modelTopology;
  const format: ModelFormat | null =
    doc.format === 'graph-model' || doc.format === 'layers-model'
      ? doc.format
      : Array.isArray(topo.node)
        ? 'graph-model'
        : isRecord(topo.model_config) || typeof topo.class_name === 'string'
          ? 'layers-model'
          : null;
  if (!format) throw new ModelFileError(file, `has a modelTopology that is neither a layers model (class_name/config) nor a graph model (node list)`);
  if (format === 'graph-model' && !Array.isArray(topo.node)) throw new ModelFileError(file, 'says format "graph-model" but its modelTopology has no node list');

  // Weight groups: specs and shard paths (counted before they are read).
  if (doc.weightsManifest.length > LIMITS.modelShards.value) {
    throw new ModelFileError(file, `lists ${groupDigits(doc.weightsManifest.length)} weight groups, over ${limitText('modelShards')} on ${LIMITS.modelShards.what}`);
  }
  const shardCount = doc.weightsManifest.reduce<number>((n, g) => n + (isRecord(g) && Array.isArray(g.paths) ? g.paths.length : 0), 0);
  if (shardCount > LIMITS.modelShards.value) {
    throw new ModelFileError(file, `lists ${groupDigits(shardCount)} weight shards, over ${limitText('modelShards')} on ${LIMITS.modelShards.what}`);
  }
  const weightCount = doc.weightsManifest.reduce<number>((n, g) => n + (isRecord(g) && Array.isArray(g.weights) ? g.weights.length : 0), 0);
  if (weightCount > LIMITS.modelLayers.value * 8) {
    throw new ModelFileError(file, `lists ${groupDigits(weightCount)} weights, more than ${groupDigits(LIMITS.modelLayers.value * 8)} (8 per layer at ${limitText('modelLayers')} on layers)`);
  }
  const groups = doc.weightsManifest.map((g, gi) => {
    if (!isRecord(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights) || !g.paths.every((p) => typeof p === 'string')) {
      throw new ModelFileError(file, `weightsManifest group ${gi + 1} needs "paths" and "weights" lists`);
    }
    return { paths: (g.paths as string[]).map(baseName), specs: g.weights.map((w, wi) => checkSpec(file, w, wi)) };
  });
  const specs = groups.flatMap((g) => g.specs);

  // Fits the device? Judged from the manifest alone, before reading any weights.
  for (const spec of specs) {
    const bytes = deviceBytes(spec);
    if (bytes > limits.maxTensorBytes) {
      throw new ModelFileError(
        file,
        `is too large for this device: weight "${spec.name}" [${spec.shape.join(',')}] needs ${formatBytes(bytes)}, ` +
          `and one tensor may hold at most ${formatBytes(limits.maxTensorBytes)} (${limits.source})`,
      );
    }
  }
  const total = specs.reduce((a, s) => a + deviceBytes(s), 0);
  if (total > limits.maxTotalBytes) {
    throw new ModelFileError(file, `is too large for this device: its weights need ${formatBytes(total)}, more than the ${formatBytes(limits.maxTotalBytes)} allowed (${limits.source})`);
  }

  // Shards: every listed one present, no stray ones.
  const byName = new Map<string, ModelFile>();
  for (const f of files) if (f !== jsonFile) byName.set(baseName(f.name), f);
  const listed = new Set(groups.flatMap((g) => g.paths));
  const missing = [...listed].filter((p) => !byName.has(p));
  if (missing.length) {
    throw new ModelFileError(nameList(missing), `missing: ${file} lists ${listed.size} weight shard(s) and ${missing.length} of them were not dropped. Drop the whole model folder`);
  }
  const extra = [...byName.keys()].filter((n) => !listed.has(n) && (n.endsWith('.bin') || /shard/i.test(n)));
  if (extra.length) {
    throw new ModelFileError(nameList(extra), `not listed in ${file}'s weightsManifest (a shard of another model?): drop only the model's own files`);
  }

  // Shard sizes against the manifest, group by group; then one weight buffer in manifest order.
  const parts: Uint8Array[] = [];
  groups.forEach((g, gi) => {
    const expected = g.specs.reduce((a, s) => a + storedBytes(s), 0);
    const got = g.paths.reduce((a, p) => a + (byName.get(p)?.data.byteLength ?? 0), 0);
    if (got !== expected) {
      throw new ModelFileError(
        g.paths.join(', '),
        `hold ${got} bytes, but ${file} declares ${expected} bytes of weights for them (group ${gi + 1}: ${g.specs.length} tensors). ` +
          'A shard is truncated or from another export: export the model again',
      );
    }
    for (const p of g.paths) parts.push(new Uint8Array((byName.get(p) as ModelFile).data));
  });
  const weightBytes = parts.reduce((a, p) => a + p.byteLength, 0);
  const weightData = new Uint8Array(weightBytes);
  let off = 0;
  for (const p of parts) {
    weightData.set(p, off);
    off += p.byteLength;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: topo as tf.io.ModelArtifacts['modelTopology'],
    format,
    generatedBy: typeof doc.generatedBy === 'string' ? doc.generatedBy : undefined,
    convertedBy: typeof doc.convertedBy === 'string' ? doc.convertedBy : undefined,
    weightSpecs: specs,
    weightData: weightData.buffer,
    ...(isRecord(doc.signature) ? { signature: doc.signature as object } : {}),
    ...(isRecord(doc.userDefinedMetadata) ? { userDefinedMetadata: doc.userDefinedMetadata as Record<string, object> } : {}),
  };
  return { format, modelFile: file, artifacts, weightBytes, shardFiles: [...listed] };
}
