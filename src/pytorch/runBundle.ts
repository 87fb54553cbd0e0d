// A run bundle: everything stage 2 needs to go on in PyTorch. The teacher, the student and the
// align module as generated modules with their state dicts, the frozen tokens under the
// reference MaskModule's names, run.json (task, taps, method and parameters, schedule position,
// Adam's settings, seed, history), the data (recorded batches and the scene generator, or a
// dropped dataset's arrays and its sampler), and train.py. Every model is checked before
// any file is made: a layer that cannot go to PyTorch is refused with the model it is in.
import type * as tf from '@tensorflow/tfjs';
import type { MethodName } from '../maskd/methodInfo';
import type { TokenWeightsState } from '../maskd/tokenLayout';
import type { NamedSerializedTensor } from '../maskd/types';
import type { Task } from '../models/nets';
import { writeSafetensors, type SafetensorsTensor } from '../share/safetensors';
import { buildMaskModuleStateDict } from '../share/tokenExport';
import type { Plan } from '../onnx/convert/plan';
import { OnnxNodeLayer } from '../onnx/layersModel';
import { layerGraph, PytorchExportError } from './graph';
import { PRELUDE_FILE } from './moduleFiles';
import { generateModule, type GeneratedModule } from './moduleSource';
import { onnxModuleFiles } from './onnxModuleFiles';
import { PRELUDE_PY } from './templates/prelude.py';
import { TRAIN_PY } from './templates/train.py';
import { SCENES_PY } from './templates/scenes.py';
import { DATASET_PY } from './templates/dataset.py';
import type { DigitPool } from '../data/digits';
import type { SceneConfig } from '../data/scenes';
import { bundleReadme } from './templates/bundleReadme';

export const RUN_FORMAT = 'maskd-playground.pytorch-run';

export interface RunHistoryEntry {
  readonly step: number;
  readonly task: number;
  readonly distill: number;
  readonly total: number;
  readonly where: 'browser' | 'pytorch';
}

export interface RunBundleInput {
  readonly task: Task;
  readonly numClasses: number;
  readonly teacher: tf.LayersModel;
  /**
   * The teacher's ONNX graph when it came in as .onnx: teacher.py is then the module generated from
   * that graph (src/pytorch/onnxModuleSource.ts) and teacher.safetensors its state dict under the
   * graph's initialiser names.
   */
  readonly teacherOnnx?: Plan;
  readonly student: tf.LayersModel;
  readonly align: tf.LayersModel;
  readonly tap: { readonly teacher: string; readonly student: string };
  readonly method: { readonly name: MethodName; readonly params: Readonly<Record<string, number | boolean>> };
  readonly tokens?: { readonly tokens: NamedSerializedTensor; readonly branch?: TokenWeightsState };
  readonly schedule: { readonly baseLr: number; readonly totalSteps: number; readonly step: number };
  /** TF.js's Adam: beta1, beta2 and the backend's epsilon (1e-7 on cpu and wasm). */
  readonly optimizer: { readonly beta1: number; readonly beta2: number; readonly epsilon: number };
  /** Adam's moments by PyTorch parameter name (`student.<attr>.weight`, …) and its step, once the run has taken steps. */
  readonly optimizerState?: Readonly<Record<string, SafetensorsTensor>>;
  readonly seed: number;
  readonly history: readonly RunHistoryEntry[];
  /** The page's own next steps from a throwaway copy of this state, for `train.py --check`. */
  readonly check?: readonly RunHistoryEntry[];
  /**
   * The demo's data as a generator: train.py draws the steps past the recorded ones with
   * scenes.py from this pool (the page's stream: seed, global batch, scene settings), with
   * CenterNet's targets for detection.
   */
  readonly scenes?: { readonly pool: DigitPool; readonly seed: number; readonly batch: number; readonly scene: Partial<SceneConfig> };
  /**
   * A dropped dataset (src/pytorch/datasetArrays.ts): train.py draws every step from these arrays
   * with dataset.py, in the page's order for this seed and global batch.
   */
  readonly dataset?: { readonly arrays: Readonly<Record<string, SafetensorsTensor>>; readonly seed: number; readonly batch: number };
  /** Recorded global batches, NHWC: images [S,B,H,W,3] and the task's targets, and first_step (I64 scalar). */
  readonly batches?: Readonly<Record<string, SafetensorsTensor>>;
}

export type BundleFiles = Record<string, string | Uint8Array>;

/** The bundle's files (name → contents); throws PytorchExportError naming every refused layer of every model. */
export function buildRunBundle(input: RunBundleInput): BundleFiles {
  const refused: string[] = [];
  const modules: Partial<Record<'teacher' | 'student' | 'align', GeneratedModule>> = {};
  let onnxTeacher: BundleFiles | null = null;
  for (const role of ['teacher', 'student', 'align'] as const) {
    try {
      if (role === 'teacher' && input.teacherOnnx) {
        onnxTeacher = { ...onnxModuleFiles(input.teacher, input.teacherOnnx, 'teacher').files };
        continue;
      }
      if (role === 'student' && input.student.layers.some((l) => l instanceof OnnxNodeLayer)) {
        refused.push('student: it came in as .onnx, and train.py continues students generated from TF.js layers (their Adam state and the way back); npm run export:onnx-pytorch writes its module and trained weights');
        continue;
      }
      modules[role] = generateModule(layerGraph(input[role]));
    } catch (e) {
      if (!(e instanceof PytorchExportError)) throw e;
      refused.push(...e.refused.map((r) => `${role} ${r}`));
    }
  }
  if (input.method.name === 'maskd' && !input.tokens) refused.push('maskd needs the receptive tokens: learn or load them first');
  if (refused.length) throw new PytorchExportError(`cannot continue in PyTorch: ${refused.join('; ')}`, refused);

  const files: BundleFiles = { [PRELUDE_FILE]: PRELUDE_PY, 'train.py': TRAIN_PY, ...onnxTeacher };
  for (const [role, m] of Object.entries(modules) as [string, GeneratedModule][]) {
    files[`${role}.py`] = m.source;
    files[`${role}.safetensors`] = writeSafetensors(m.state, { format: 'pt', producer: 'maskd-playground' });
  }
  if (input.tokens) files['tokens.safetensors'] = writeSafetensors(buildMaskModuleStateDict(input.tokens.tokens, input.tokens.branch), { format: 'pt' });
  if (input.optimizerState) files['optimizer.safetensors'] = writeSafetensors(input.optimizerState);
  if (input.batches) files['batches.safetensors'] = writeSafetensors(input.batches);
  const { scenes } = input;
  if (scenes) {
    const { pool } = scenes;
    files['scenes.py'] = SCENES_PY;
    files['digits.safetensors'] = writeSafetensors({
      pixels: { dtype: 'U8', shape: [pool.count, pool.rows, pool.cols], data: pool.pixels },
      labels: { dtype: 'U8', shape: [pool.count], data: pool.labels },
    });
  }
  const { dataset } = input;
  if (dataset) {
    files['scenes.py'] = SCENES_PY;
    files['dataset.py'] = DATASET_PY;
    files['dataset.safetensors'] = writeSafetensors(dataset.arrays);
  }
  const run = {
    format: RUN_FORMAT,
    formatVersion: 1,
    task: input.task,
    numClasses: input.numClasses,
    tap: input.tap,
    method: input.method,
    schedule: input.schedule,
    optimizer: { name: 'adam', ...input.optimizer },
    seed: input.seed,
    history: input.history,
    ...(input.check ? { check: input.check } : {}),
    ...(scenes ? { data: { kind: 'scenes', seed: scenes.seed, batch: scenes.batch, scene: scenes.scene } } : {}),
    ...(dataset ? { data: { kind: 'dataset', seed: dataset.seed, batch: dataset.batch, train: dataset.arrays['train.images'].shape[0], val: dataset.arrays['val.images']?.shape[0] ?? 0 } } : {}),
  };
  files['run.json'] = `${JSON.stringify(run, null, 1)}\n`;
  const images = input.batches?.images;
  files['README.md'] = bundleReadme({
    task: input.task,
    method: input.method.name,
    step: input.schedule.step,
    totalSteps: input.schedule.totalSteps,
    recorded: images ? images.shape[0] : 0,
    batch: images ? images.shape[1] : (dataset?.batch ?? 0),
    drawn: scenes ? 'scenes' : dataset ? 'dataset' : null,
  });
  return files;
}
