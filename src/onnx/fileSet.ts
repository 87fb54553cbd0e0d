// A dropped or fetched set of files as an ONNX model: the one .onnx, and the other files by their
// base names (external data is named by file name, beside the model). No bytes are copied.
import { OnnxError } from './errors';
import type { ExternalFiles } from './tensorData';

export interface NamedBytes {
  readonly name: string;
  readonly data: ArrayBuffer;
}

export const isOnnxName = (name: string): boolean => name.toLowerCase().endsWith('.onnx');

/**
 * Whether an external-data `location` names a file in the model's own folder: a relative path with
 * no parent step and no backslash (the rule for dropped files and, with URL-specific checks, for URLs).
 */
export const isLocalDataPath = (location: string): boolean => location !== '' && !location.includes('..') && !location.startsWith('/') && !location.includes('\\');

const baseName = (name: string): string => name.split(/[\\/]/).pop() ?? name;

/** The .onnx among `files` and the rest as its possible external-data files; refuses none or several. */
export function onnxFileSet(files: readonly NamedBytes[]): { file: string; bytes: Uint8Array; external: ExternalFiles } {
  const models = files.filter((f) => isOnnxName(f.name));
  if (models.length !== 1) throw new OnnxError(`${models.length} .onnx files given: give one model (with its external-data file, if its export wrote one)`);
  const external = new Map<string, Uint8Array>();
  for (const f of files) if (f !== models[0]) external.set(baseName(f.name), new Uint8Array(f.data));
  return { file: baseName(models[0].name), bytes: new Uint8Array(models[0].data), external };
}
