// A model that came in as ONNX as the two files a PyTorch user loads: `<base>.py` (its graph as an
// nn.Module, self-contained) and `<base>.safetensors` (the trained weights under the graph's
// initialiser names). Both are checked before either is made.
import type * as tf from '@tensorflow/tfjs';
import type { Plan } from '../onnx/convert/plan';
import { OnnxNodeLayer } from '../onnx/layersModel';
import type { OnnxNode } from '../onnx/model';
import { writeSafetensors } from '../share/safetensors';
import { generateOnnxModule } from './onnxModuleSource';
import { onnxStateDict } from './onnxStateDict';

export interface OnnxModuleFiles {
  /** File name → contents. */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  /** State dict keys the user's own class names otherwise (see OnnxStateDict). */
  readonly notModulePaths: readonly string[];
}

/** Throws PytorchExportError naming every node or initialiser that cannot be written, before writing anything. */
export function onnxModuleFiles(model: tf.LayersModel, plan: Plan, base: string): OnnxModuleFiles {
  const layerNames = new Map<OnnxNode, string>();
  for (const l of model.layers) if (l instanceof OnnxNodeLayer) layerNames.set(l.onnxNode, l.name);
  const module = generateOnnxModule(plan, layerNames);
  const { state, notModulePaths } = onnxStateDict(model, plan, module.tensors);
  const bytes = writeSafetensors(state, { format: 'pt', producer: 'maskd-playground', onnx_graph: plan.model.graph.name, onnx_opset: String(plan.model.opset) });
  return { files: { [`${base}.py`]: module.source, [`${base}.safetensors`]: bytes }, notModulePaths };
}
