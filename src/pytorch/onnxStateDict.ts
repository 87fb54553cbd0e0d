// The trained weights of a model that came in as ONNX, as the state dict of its generated module
// (keys: ./onnxTensors.ts), in ONNX's layouts. The converter keeps every initialiser as a weight of
// the layer of each node that reads it (kernels stored HWIO, nothing fused: BatchNorm stays a node
// with its own scale, shift and statistics), so the inverse is each layer's own copy, kernels
// transposed back: exact to the bit.
import * as tf from '@tensorflow/tfjs';
import type { Plan } from '../onnx/convert/plan';
import { KERNEL_TO_ONNX, OnnxNodeLayer } from '../onnx/layersModel';
import type { OnnxNode } from '../onnx/model';
import type { SafetensorsTensor } from '../share/safetensors';
import { PytorchExportError } from './graph';
import { onnxModuleTensors, type OnnxModuleTensors } from './onnxTensors';

export interface OnnxStateDict {
  readonly state: Record<string, SafetensorsTensor>;
  /**
   * Keys that are not a module's attribute path (`onnx::Conv_475`): torch.onnx.export made these
   * tensors (BatchNorm folded into a convolution in eval-mode exports, a parameter reshaped by
   * constant folding), so the user's own class names them otherwise and loads the rest only with
   * strict=False.
   */
  readonly notModulePaths: readonly string[];
}

const MODULE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|[0-9]+))*$/;

/** The state dict of `plan`'s generated module from the layers model onnxLayersModel built (and the page trained). */
export function onnxStateDict(model: tf.LayersModel, plan: Plan, tensors: OnnxModuleTensors = onnxModuleTensors(plan)): OnnxStateDict {
  const layers = new Map<OnnxNode, OnnxNodeLayer>();
  for (const l of model.layers) if (l instanceof OnnxNodeLayer) layers.set(l.onnxNode, l);
  const refused: string[] = [];
  const state: Record<string, SafetensorsTensor> = {};
  for (const t of tensors.list) {
    if (t.from === 'count') {
      state[t.name] = { dtype: 'I64', shape: [], data: new BigInt64Array(1) };
      continue;
    }
    if (t.from === 'file') {
      state[t.name] = { dtype: 'F32', shape: t.dims, data: Float32Array.from(plan.meta.get(t.name)!.constant!.values) };
      continue;
    }
    const layer = t.reader && layers.get(t.reader);
    const at = layer ? layer.initialisers.indexOf(t.initialiser) : -1;
    if (!layer || at < 0) {
      refused.push(`initialiser "${t.initialiser}" (${t.name}) is held by no layer of the model`);
      continue;
    }
    const v = layer.weights[at].read();
    const onnx = plan.params.get(t.initialiser)!.role === 'kernel' ? tf.transpose(v, KERNEL_TO_ONNX) : v;
    state[t.name] = { dtype: 'F32', shape: t.dims, data: Float32Array.from(onnx.dataSync() as Float32Array) };
    if (onnx !== v) onnx.dispose();
  }
  if (refused.length) throw new PytorchExportError(`cannot write the ONNX model's state dict: ${refused.join('; ')}`, refused);
  return { state, notModulePaths: Object.keys(state).filter((n) => !MODULE_PATH.test(n)) };
}
