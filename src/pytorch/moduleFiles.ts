// A TF.js layers model as the files a PyTorch user loads: maskd_nn.py (the shared helpers),
// <name>.py (the generated nn.Module) and <name>.safetensors (its state dict, PyTorch layouts).
import type * as tf from '@tensorflow/tfjs';
import { writeSafetensors } from '../share/safetensors';
import { layerGraph } from './graph';
import { generateModule, type GeneratedModule } from './moduleSource';
import { PRELUDE_PY } from './templates/prelude.py';

export const PRELUDE_FILE = 'maskd_nn.py';

export interface ModuleFiles {
  readonly module: GeneratedModule;
  /** File name → contents. */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
}

/** The generated module of `model` as `<base>.py` and `<base>.safetensors` (plus maskd_nn.py); throws PytorchExportError before writing anything. */
export function moduleFiles(model: tf.LayersModel, base: string, className = 'Net'): ModuleFiles {
  const module = generateModule(layerGraph(model), className);
  const state = writeSafetensors(module.state, { format: 'pt', producer: 'maskd-playground', tf_model: model.name });
  return { module, files: { [PRELUDE_FILE]: PRELUDE_PY, [`${base}.py`]: module.source, [`${base}.safetensors`]: state } };
}
