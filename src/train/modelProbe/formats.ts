// The model formats a probe worker can check, behind one interface: a format says whether a set
// of files is its own and checks them the way the engine will load them (parse, size, build, run
// once), throwing a ModelFileError for a model the engine must not load. A new format (ONNX) is
// one more entry in PROBE_FORMATS.
import * as tf from '@tensorflow/tfjs';
import { deviceLimits } from '../../byo/deviceLimits';
import { loadGraphFromParsed } from '../../byo/graphTeacher';
import { layersGraph, loadLayersFromParsed } from '../../byo/loadLayers';
import { ModelFileError, parseModelFiles } from '../../byo/modelFiles';
import type { ModelFileData, ModelRole } from '../../engine/userModels';
import type { ProbeStage } from '../../engine/modelProbe';
import { disposeModel } from '../../models/disposeModel';
import { ONNX_FORMAT } from './onnxFormat';

export interface UntrustedModelFormat {
  /** How the verdict names it, e.g. "TensorFlow.js layers or graph model". */
  readonly name: string;
  /** Whether these files are this format's (from their names alone). */
  matches(files: readonly ModelFileData[]): boolean;
  /** Parses, sizes, builds and runs the model once; throws a ModelFileError when it must not be loaded. */
  probe(files: readonly ModelFileData[], role: ModelRole, report: (stage: ProbeStage) => void): Promise<void>;
}

/** A layers model run once on zeros of its declared input (open sides at 64), one image. */
async function runLayersOnce(file: string, model: tf.LayersModel): Promise<void> {
  const graph = layersGraph(model);
  const input = graph.nodes.find((n) => n.name === graph.inputs[0]);
  const shape = input?.shape;
  if (!shape || shape.length !== 4) return; // Not an image model: the engine refuses it with its reason.
  const probe = [1, ...shape.slice(1).map((d) => d ?? 64)];
  const outs = tf.tidy(() => {
    const y = model.predict(tf.zeros(probe));
    return Array.isArray(y) ? y : [y];
  });
  try {
    for (const t of outs) await t.data();
  } catch (err) {
    throw new ModelFileError(file, `failed on a test input [${probe.join(',')}]: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    tf.dispose(outs);
  }
}

export const TFJS_FORMAT: UntrustedModelFormat = {
  name: 'TensorFlow.js layers or graph model',
  matches: (files) => files.some((f) => f.name.toLowerCase().endsWith('.json')),
  async probe(files, _role, report) {
    report('reading');
    const parsed = parseModelFiles(files, deviceLimits());
    report('sizing');
    if (parsed.format === 'graph-model') {
      // Sizes every node statically, then runs it once (src/byo/graphTeacher.ts).
      const loaded = await loadGraphFromParsed(parsed);
      report('running');
      loaded.model.dispose();
      return;
    }
    const model = await loadLayersFromParsed(parsed);
    try {
      report('running');
      await runLayersOnce(parsed.modelFile, model);
    } finally {
      disposeModel(model);
    }
  },
};

export const PROBE_FORMATS: readonly UntrustedModelFormat[] = [TFJS_FORMAT, ONNX_FORMAT];
