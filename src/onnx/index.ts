// ONNX in and out: decode and size a file, plan its conversion, build the TF.js model; write it back.
import { type PlanOptions, planConversion } from './convert/plan';
import { decodeOnnx } from './decode';
import { OnnxGraphModel } from './onnxModel';
import type { ExternalFiles } from './tensorData';

export { OnnxError } from './errors';
export { OnnxGraphModel, type RunOptions } from './onnxModel';
export { writeOnnx } from './writer';
export { listTaps, type OnnxTap } from './taps';

/** An .onnx file (and its external-data files) converted to a TF.js model that trains. */
export function loadOnnx(bytes: Uint8Array, file: string, external: ExternalFiles = new Map(), options: PlanOptions = {}): OnnxGraphModel {
  const model = decodeOnnx(bytes, file);
  return new OnnxGraphModel(planConversion(model, options, external), external);
}
