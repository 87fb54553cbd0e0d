// Loading the user's teacher or student from its files: parsed and checked, built, fitted to the
// data and split at its tap. A model that fails a check after it was built is disposed of before
// the error goes on.
import * as tf from '@tensorflow/tfjs';
import { deviceLimits } from '../byo/deviceLimits';
import { loadGraphFromParsed, splitGraph } from '../byo/graphTeacher';
import { layersGraph, layersOutputs, loadLayersFromParsed } from '../byo/loadLayers';
import { ModelFileError, parseModelFiles, type ParsedModel } from '../byo/modelFiles';
import type { TeacherOutput } from '../byo/teacherIo';
import { taskChannels } from '../byo/topology';
import { disposeModel } from '../models/disposeModel';
import type { MimicOutput } from '../models/mimicStudent';
import { splitAtLayer, type SplitModel } from '../models/split';
import type { ModelCard } from '../engine/models';
import type { UserModelFiles } from '../engine/userModels';
import { contentSource } from './contentHash';
import { graphCard, layersCard } from './userModelCards';
import { checkIo, fitTeacher, inputSize, mimicProblem, outputWidth, pickTap, type DataSpec, type TeacherFit } from './userModelFit';
import { graphMicroBatch } from './userModelMicroBatches';
import { buildOnnxModel, hasOnnx, onnxContentSource, planOnnxFiles, type OnnxSource } from './loadOnnxModel';
import type { UserStudent, UserTeacher } from './userModelParts';

async function sourceOf(label: string, parsed: ParsedModel, files: UserModelFiles['files']): Promise<string> {
  const json = files.find((f) => f.name === parsed.modelFile);
  const bytes = new Uint8Array((json?.data.byteLength ?? 0) + parsed.weightBytes);
  if (json) bytes.set(new Uint8Array(json.data), 0);
  bytes.set(new Uint8Array(parsed.artifacts.weightData as ArrayBuffer), json?.data.byteLength ?? 0);
  return contentSource(label, bytes);
}

/** A layers head that returns the dense outputs only (what the objective compares), in model order. */
export function denseHead(split: SplitModel, outputs: readonly TeacherOutput[]): SplitModel {
  if (outputs.every((o) => o.dense)) return split;
  const keep = split.head.outputs.filter((_, i) => outputs[i]?.dense);
  const head = tf.model({ inputs: split.head.inputs, outputs: keep.length === 1 ? keep[0] : keep, name: `${split.head.name}_dense` });
  return { ...split, head };
}

export interface LoadedTeacher {
  readonly teacher: UserTeacher;
  readonly split: SplitModel;
  readonly size: number;
  readonly fit: TeacherFit;
  readonly microBatch?: number;
  readonly card: () => ModelCard;
}

export async function loadTeacher(req: UserModelFiles, data: DataSpec): Promise<LoadedTeacher> {
  if (hasOnnx(req.files)) return loadOnnxTeacher(req, data);
  const parsed = parseModelFiles(req.files, deviceLimits());
  const source = await sourceOf(req.label, parsed, req.files);
  if (parsed.format === 'graph-model') {
    const loaded = await loadGraphFromParsed(parsed, req.input);
    try {
      const fit = fitTeacher(parsed.modelFile, data, loaded.graph, loaded.outputs);
      const size = fit.size;
      const { tap, why } = pickTap(parsed.modelFile, loaded.graph, outputWidth(fit, data), req.tap);
      const { split, full } = splitGraph(loaded, tap, [size, size, 3]);
      const teacher: UserTeacher = {
        kind: 'graph',
        loaded,
        full,
        label: req.label,
        file: parsed.modelFile,
        source,
        graph: loaded.graph,
        tap,
        tapWhy: why,
        files: req.files,
        outputs: loaded.outputs,
      };
      return { teacher, split, size, fit, microBatch: graphMicroBatch(loaded, tap), card: () => graphCard(teacher, split, size) };
    } catch (err) {
      loaded.model.dispose();
      throw err;
    }
  }
  return layersTeacher(req, data, await loadLayersFromParsed(parsed), parsed.modelFile, source);
}

/** A teacher that is a layers model (a TF.js one, or an ONNX graph built as one); disposed if it does not fit. */
function layersTeacher(req: UserModelFiles, data: DataSpec, model: tf.LayersModel, file: string, source: string, onnx?: OnnxSource): LoadedTeacher {
  try {
    const graph = layersGraph(model);
    const fit = fitTeacher(file, data, graph, layersOutputs(model));
    const { tap, why } = pickTap(file, graph, outputWidth(fit, data), req.tap);
    const whole = splitAtLayer(model, tap);
    const split = fit.labelFree ? denseHead(whole, fit.outputs) : whole;
    const teacher: UserTeacher = { kind: 'layers', model, label: req.label, file, source, graph, tap, tapWhy: why, files: req.files, outputs: fit.outputs, ...(onnx ? { onnx } : {}) };
    return { teacher, split, size: fit.size, fit, card: () => layersCard(model, split, 'teacher', source, tap) };
  } catch (err) {
    disposeModel(model);
    throw err;
  }
}

async function loadOnnxTeacher(req: UserModelFiles, data: DataSpec): Promise<LoadedTeacher> {
  const onnx = planOnnxFiles(req.files);
  return layersTeacher(req, data, buildOnnxModel(onnx, 'onnx_teacher'), onnx.file, await onnxContentSource(req.label, onnx), onnx);
}

/** A student checked against the labels, or (`mimic`) against a label-free teacher's outputs. */
export async function loadStudent(req: UserModelFiles, data: DataSpec, mimic: readonly MimicOutput[] | null): Promise<{ student: UserStudent; model: tf.LayersModel; size: number }> {
  if (hasOnnx(req.files)) {
    const onnx = planOnnxFiles(req.files);
    return layersStudent(req, data, mimic, buildOnnxModel(onnx, 'onnx_student'), onnx.file, await onnxContentSource(req.label, onnx), { onnx });
  }
  const parsed = parseModelFiles(req.files, deviceLimits());
  if (parsed.format === 'graph-model') {
    throw new ModelFileError(parsed.modelFile, 'is a graph model, which is frozen: a student must be trainable, so give a TensorFlow.js layers model or an .onnx (graph models work as teachers)');
  }
  const model = await loadLayersFromParsed(parsed);
  return layersStudent(req, data, mimic, model, parsed.modelFile, await sourceOf(req.label, parsed, req.files), { artifacts: parsed.artifacts });
}

/** A student that is a layers model (TF.js, or ONNX built as one), checked against the data or the teacher's outputs. */
async function layersStudent(
  req: UserModelFiles,
  data: DataSpec,
  mimic: readonly MimicOutput[] | null,
  model: tf.LayersModel,
  file: string,
  source: string,
  from: Pick<UserStudent, 'artifacts' | 'onnx'>,
): Promise<{ student: UserStudent; model: tf.LayersModel; size: number }> {
  try {
    const graph = layersGraph(model);
    let size: number;
    if (mimic) {
      size = inputSize(file, data, graph);
      const problem = mimicProblem(graph, mimic);
      if (problem) throw new ModelFileError(file, `this student does not fit the teacher: ${problem}`);
    } else {
      size = checkIo(file, data, graph);
    }
    const width = mimic ? Math.max(...mimic.map((m) => m.shape[2])) : taskChannels(data.task, data.classes);
    const { tap, why } = pickTap(file, graph, width, req.tap);
    splitAtLayer(model, tap);
    const student: UserStudent = { label: req.label, file, source, graph, tap, tapWhy: why, ...from };
    return { student, model, size };
  } catch (err) {
    disposeModel(model);
    throw err;
  }
}

/** A fresh copy of the user's student at its loaded weights (each stage-2 run starts from them). */
export async function freshUserStudent(student: UserStudent): Promise<tf.LayersModel> {
  if (student.onnx) return buildOnnxModel(student.onnx, 'onnx_student');
  if (!student.artifacts) throw new Error(`student ${student.label}: nothing to build it from`);
  return tf.loadLayersModel(tf.io.fromMemory(student.artifacts));
}
