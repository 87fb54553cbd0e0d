// The user's own teacher/student for the worker: files → checked, loaded, split models, put
// together with the current demo into a new Demo. Everything is built before anything is
// replaced, so a bad file leaves the loaded models as they were (the caller swaps on success).
import * as tf from '@tensorflow/tfjs';
import { deviceLimits } from '../byo/deviceLimits';
import { loadGraphFromParsed, splitGraph } from '../byo/graphTeacher';
import { layersGraph, loadLayersFromParsed } from '../byo/loadLayers';
import { ModelFileError, parseModelFiles, type ParsedModel } from '../byo/modelFiles';
import { defaultClasses, layerRows, outputProblem, planInput, suggestTap, taskChannels, type ModelGraph } from '../byo/topology';
import { modelCost } from '../models/flops';
import { buildAlign } from '../models/align';
import { disposeModel } from '../models/disposeModel';
import { buildStudent, TAP_LAYER, type Task } from '../models/nets';
import { splitAtLayer, type SplitModel } from '../models/split';
import { modelCard } from './demoModels';
import type { Demo } from './demo';
import type { LayerRowData, LoadModelsRequest, ModelCard, ModelRole, ModelsLoaded, UserModelFiles, UserModelInfo } from '../engine/types';
import { reseedKernels } from './seededInit';
import { contentSource } from './contentHash';
import { errorText } from '../errorText';
import { releaseUserTeacher, type UserCommon, type UserModels, type UserStudent, type UserTeacher } from './userModelParts';

export type { UserModels, UserStudent, UserTeacher } from './userModelParts';

/** What EngineSession keeps per demo; user models add `user`. */
type DemoLike = Demo;

export interface BuildContext {
  /** The demo's data fields (scenes, previews) regenerated at another input side; throws when the data cannot be. */
  readonly dataForSize: (size: number) => Partial<Demo>;
  /** Seed of a built-in student rebuilt at another input size. */
  readonly seed: number;
  /** Classes of the current data (default: the digit demo's). */
  readonly numClasses?: number;
  /** What the data is called in messages (default: "<task> demo"). */
  readonly dataName?: string;
}

/** The new demo, what to dispose of the old one once it is swapped in, and the page's summary. */
export interface UserDemo {
  readonly demo: DemoLike;
  readonly disposeOld: () => void;
  readonly result: ModelsLoaded;
}


async function sourceOf(label: string, parsed: ParsedModel, files: UserModelFiles['files']): Promise<string> {
  const json = files.find((f) => f.name === parsed.modelFile);
  const bytes = new Uint8Array((json?.data.byteLength ?? 0) + parsed.weightBytes);
  if (json) bytes.set(new Uint8Array(json.data), 0);
  bytes.set(new Uint8Array(parsed.artifacts.weightData as ArrayBuffer), json?.data.byteLength ?? 0);
  return contentSource(label, bytes);
}

function rowsData(graph: ModelGraph): LayerRowData[] {
  return layerRows(graph).map((r) => ({ ...r, shape: r.shape ? [...r.shape] : null }));
}

/** The tap to use: the requested one if it qualifies, else the suggestion; or a ModelFileError. */
function pickTap(file: string, graph: ModelGraph, task: Task, classes: number, requested?: string): { tap: string; why: string } {
  if (requested) {
    const row = layerRows(graph).find((r) => r.name === requested);
    if (!row) throw new ModelFileError(file, `has no layer "${requested}" to tap`);
    if (row.notTap) throw new ModelFileError(file, `layer "${requested}" cannot be the tap: ${row.notTap}`);
    return { tap: requested, why: 'chosen' };
  }
  const { suggestion, firstProblem } = suggestTap(graph, taskChannels(task, classes));
  if (!suggestion) throw new ModelFileError(file, `has no layer that can be the tap: ${firstProblem}`);
  return { tap: suggestion.tap, why: `suggested: ${suggestion.why}` };
}

/** The data the models are checked against: its task, classes and name in messages. */
interface DataSpec {
  readonly task: Task;
  readonly classes: number;
  readonly name: string;
  /** Its images in messages: "the demo scenes", "the segmentation dataset's images". */
  readonly images: string;
}

function checkIo(file: string, role: ModelRole, data: DataSpec, graph: ModelGraph): number {
  const input = graph.nodes.find((n) => n.name === graph.inputs[0]);
  const plan = planInput(input?.shape ?? null, data.images);
  if ('problem' in plan) throw new ModelFileError(file, `cannot take the ${data.name}'s data: ${plan.problem}`);
  const outputs = graph.outputs.map((o) => graph.nodes.find((n) => n.name === o)?.shape ?? null);
  const problem = outputProblem(data.task, plan.size, outputs, data.classes, data.name);
  if (problem) throw new ModelFileError(file, `${role === 'teacher' ? 'this teacher' : 'this student'} does not fit the ${data.name}: ${problem}`);
  return plan.size;
}

async function loadTeacher(req: UserModelFiles, data: DataSpec): Promise<{ teacher: UserTeacher; split: SplitModel; size: number; card: (c: number) => ModelCard }> {
  const parsed = parseModelFiles(req.files, deviceLimits());
  const source = await sourceOf(req.label, parsed, req.files);
  if (parsed.format === 'graph-model') {
    const loaded = await loadGraphFromParsed(parsed);
    try {
      const size = checkIo(parsed.modelFile, 'teacher', data, loaded.graph);
      const { tap, why } = pickTap(parsed.modelFile, loaded.graph, data.task, data.classes, req.tap);
      const { split, full } = splitGraph(loaded, tap, [size, size, 3]);
      const teacher: UserTeacher = { kind: 'graph', loaded, full, label: req.label, file: parsed.modelFile, source, graph: loaded.graph, tap, tapWhy: why };
      return { teacher, split, size, card: () => graphCard(teacher, split, size) };
    } catch (err) {
      loaded.model.dispose();
      throw err;
    }
  }
  const model = await loadLayersFromParsed(parsed);
  try {
    const graph = layersGraph(model);
    const size = checkIo(parsed.modelFile, 'teacher', data, graph);
    const { tap, why } = pickTap(parsed.modelFile, graph, data.task, data.classes, req.tap);
    const split = splitAtLayer(model, tap);
    const teacher: UserTeacher = { kind: 'layers', model, label: req.label, file: parsed.modelFile, source, graph, tap, tapWhy: why };
    return { teacher, split, size, card: () => layersCard(model, split, 'teacher', source, tap) };
  } catch (err) {
    disposeModel(model);
    throw err;
  }
}

async function loadStudent(req: UserModelFiles, data: DataSpec): Promise<{ student: UserStudent; model: tf.LayersModel; size: number }> {
  const parsed = parseModelFiles(req.files, deviceLimits());
  if (parsed.format === 'graph-model') {
    throw new ModelFileError(parsed.modelFile, 'is a graph model, which is frozen: a student must be trainable, so give a TensorFlow.js layers model (graph models work as teachers)');
  }
  const model = await loadLayersFromParsed(parsed);
  try {
    const graph = layersGraph(model);
    const size = checkIo(parsed.modelFile, 'student', data, graph);
    const { tap, why } = pickTap(parsed.modelFile, graph, data.task, data.classes, req.tap);
    splitAtLayer(model, tap);
    const student: UserStudent = {
      label: req.label,
      file: parsed.modelFile,
      source: await sourceOf(req.label, parsed, req.files),
      graph,
      tap,
      tapWhy: why,
      artifacts: parsed.artifacts,
    };
    return { student, model, size };
  } catch (err) {
    disposeModel(model);
    throw err;
  }
}

/** A fresh copy of the user's student at its loaded weights (each stage-2 run starts from them). */
export function freshUserStudent(student: UserStudent): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(student.artifacts));
}

function layersCard(model: tf.LayersModel, split: SplitModel, role: ModelRole, source: string, tap: string): ModelCard {
  return { ...modelCard(model, split, role, source), tapLayer: tap };
}

function graphCard(teacher: Extract<UserTeacher, { kind: 'graph' }>, split: SplitModel, size: number): ModelCard {
  const [h, w, c] = split.tapShape;
  return {
    role: 'teacher',
    source: teacher.source,
    params: teacher.loaded.params,
    flops: teacher.loaded.flops,
    tapLayer: teacher.tap,
    featureShape: [h, w, c],
    inputShape: [size, size, 3],
  };
}

function info(role: ModelRole, u: UserCommon, format: UserModelInfo['format']): UserModelInfo {
  return { role, label: u.label, format, layers: rowsData(u.graph), tap: u.tap, tapWhy: u.tapWhy };
}

/** "1×1 conv 16→32, bilinear 8×8→16×16" (and checks the align module builds). */
export function describeAlign(student: readonly number[], teacher: readonly number[]): string {
  const align = buildAlign([student[0], student[1], student[2]], [teacher[0], teacher[1], teacher[2]]);
  align.dispose();
  const conv = `1×1 conv ${student[2]}→${teacher[2]}`;
  return student[0] === teacher[0] && student[1] === teacher[1] ? conv : `${conv}, bilinear ${student[0]}×${student[1]}→${teacher[0]}×${teacher[1]}`;
}

/**
 * The current demo with the requested teacher and/or student replaced. Throws (a ModelFileError
 * for file problems) without touching `current`; on success the caller swaps in `demo` and then
 * calls `disposeOld`.
 */
export async function buildUserDemo(current: DemoLike, req: LoadModelsRequest, ctx: BuildContext): Promise<UserDemo> {
  if (!req.teacher && !req.student) throw new Error('loadModels: give a teacher, a student or both');
  const task = current.task;
  const warnings: string[] = [];
  const made: { dispose(): void }[] = [];
  try {
    const classes = ctx.numClasses ?? defaultClasses(task);
    const data: DataSpec = ctx.dataName
      ? { task, classes, name: ctx.dataName, images: `the ${ctx.dataName}'s images` }
      : { task, classes, name: `${task} demo`, images: 'the demo scenes' };
    const t = req.teacher ? await loadTeacher(req.teacher, data) : null;
    if (t) made.push({ dispose: () => (t.teacher.kind === 'graph' ? (disposeModel(t.teacher.full), t.teacher.loaded.model.dispose()) : disposeModel(t.teacher.model)) });
    const s = req.student ? await loadStudent(req.student, data) : null;
    if (s) made.push({ dispose: () => disposeModel(s.model) });
    const size = t?.size ?? s?.size ?? current.inputShape[0];
    const inputShape = [size, size, 3] as const;
    if (t && s && t.size !== s.size) {
      throw new ModelFileError(s.student.file, `takes ${s.size}×${s.size} images and the teacher ${t.size}×${t.size}: teacher and student must see the same data`);
    }
    const keptStudent = !s ? current.user?.student ?? null : null;
    if (!t && s && s.size !== current.inputShape[0]) {
      throw new ModelFileError(s.student.file, `takes ${s.size}×${s.size} images, the loaded teacher ${current.inputShape[0]}×${current.inputShape[0]}: load a teacher for ${s.size}×${s.size} with it`);
    }
    if (t && !s && keptStudent && t.size !== current.inputShape[0]) {
      throw new ModelFileError(t.teacher.file, `takes ${t.size}×${t.size} images, the loaded student (${keptStudent.label}) ${current.inputShape[0]}×${current.inputShape[0]}: load a student for ${t.size}×${t.size} with it`);
    }
    // The student: the new one, the current one when it still fits, or a fresh built-in one.
    let student = s?.model ?? null;
    if (!student && size !== current.inputShape[0]) {
      student = buildStudent(task, { inputShape, numClasses: classes });
      reseedKernels(student, ctx.seed);
      const built = student;
      made.push({ dispose: () => disposeModel(built) });
      warnings.push(`the teacher takes ${size}×${size} images: the demo scenes are now generated at ${size}×${size}, with a fresh built-in student of that size`);
    }
    const studentModel = student ?? current.student;
    const studentTap = s?.student.tap ?? keptStudent?.tap ?? TAP_LAYER;
    const studentSplit = splitAtLayer(studentModel, studentTap);
    const teacherSplit = t?.split ?? current.teacherSplit;
    const align = describeAlign(studentSplit.tapShape, teacherSplit.tapShape);
    const resized = size === current.inputShape[0] ? {} : dataForSize(ctx, size, (t?.teacher ?? s?.student)?.file ?? '');
    const user: UserModels = { teacher: t?.teacher ?? current.user?.teacher ?? null, student: s?.student ?? keptStudent };
    const demo: DemoLike = {
      ...current,
      ...resized,
      inputShape,
      teacher: t ? (t.teacher.kind === 'graph' ? t.teacher.full : t.teacher.model) : current.teacher,
      teacherSplit,
      // Tokens belong to the teacher's tap: a new teacher starts without them.
      tokens: t ? null : current.tokens,
      branch: t ? null : current.branch,
      student: studentModel,
      bestStudent: student ? null : current.bestStudent,
      user,
    };
    const teacherCard = t ? t.card(0) : currentTeacherCard(current);
    const studentCard = s
      ? layersCard(s.model, studentSplit, 'student', s.student.source, studentTap)
      : layersCard(studentModel, studentSplit, 'student', keptStudent?.source ?? `fresh:${task}-student`, studentTap);
    const result: ModelsLoaded = {
      teacher: teacherCard,
      student: studentCard,
      tokens: demo.tokens ? { numTokens: demo.tokens.numTokens, channels: demo.tokens.channels, tokenWeights: demo.branch !== null } : null,
      user: {
        teacher: user.teacher ? info('teacher', user.teacher, user.teacher.kind === 'graph' ? 'graph-model' : 'layers-model') : null,
        student: user.student ? info('student', user.student, 'layers-model') : null,
      },
      inputSize: size,
      align,
      warnings,
    };
    const disposeOld = () => {
      if (t) {
        disposeModel(current.teacher);
        releaseUserTeacher(current.user?.teacher);
        current.tokens?.dispose();
        current.branch?.dispose();
      }
      if (student) {
        disposeModel(current.student);
        if (current.bestStudent) tf.dispose(current.bestStudent);
      }
    };
    return { demo, disposeOld, result };
  } catch (err) {
    for (const m of made) m.dispose();
    throw err;
  }
}

/** The data regenerated at another input side; a refusal names the model file that asked for it. */
function dataForSize(ctx: BuildContext, size: number, file: string): Partial<Demo> {
  try {
    return ctx.dataForSize(size);
  } catch (err) {
    throw new ModelFileError(file, errorText(err));
  }
}

function currentTeacherCard(current: DemoLike): ModelCard {
  const u = current.user?.teacher;
  if (u?.kind === 'graph') return graphCard(u, current.teacherSplit, current.inputShape[0]);
  const cost = modelCost(current.teacher);
  const [h, w, c] = current.teacherSplit.tapShape;
  return {
    role: 'teacher',
    source: u?.source ?? `builtin:${current.task}-teacher`,
    params: cost.params,
    flops: cost.flops,
    tapLayer: u?.tap ?? TAP_LAYER,
    featureShape: [h, w, c],
    inputShape: [...current.inputShape],
  };
}

/** Re-splits a loaded user model at another layer; throws (naming file and layer) if it cannot be the tap. */
export function retapDemo(current: DemoLike, role: ModelRole, layer: string): UserDemo {
  const u = role === 'teacher' ? current.user?.teacher : current.user?.student;
  if (!u || !current.user) throw new Error(`the ${role} is a built-in model: load your own ${role} to choose its tap layer`);
  const row = layerRows(u.graph).find((r) => r.name === layer);
  if (!row) throw new ModelFileError(u.file, `has no layer "${layer}"`);
  if (row.notTap) throw new ModelFileError(u.file, `layer "${layer}" cannot be the tap: ${row.notTap}`);
  const size = current.inputShape[0];
  let demo: DemoLike;
  if (role === 'teacher') {
    const t = u as UserTeacher;
    const next: UserTeacher = { ...t, tap: layer, tapWhy: 'chosen' };
    const teacherSplit = t.kind === 'graph' ? splitGraph(t.loaded, layer, [size, size, 3]).split : splitAtLayer(t.model, layer);
    describeAlign(splitAtLayer(current.student, current.user.student?.tap ?? TAP_LAYER).tapShape, teacherSplit.tapShape);
    demo = { ...current, teacherSplit, tokens: null, branch: null, user: { ...current.user, teacher: next } };
  } else {
    const next: UserStudent = { ...(u as UserStudent), tap: layer, tapWhy: 'chosen' };
    splitAtLayer(current.student, layer);
    demo = { ...current, user: { ...current.user, student: next } };
  }
  const studentTap = demo.user?.student?.tap ?? TAP_LAYER;
  const studentSplit = splitAtLayer(demo.student, studentTap);
  const ut = demo.user?.teacher ?? null;
  const us = demo.user?.student ?? null;
  const result: ModelsLoaded = {
    teacher: currentTeacherCard(demo),
    student: layersCard(demo.student, studentSplit, 'student', us?.source ?? `fresh:${demo.task}-student`, studentTap),
    tokens: demo.tokens ? { numTokens: demo.tokens.numTokens, channels: demo.tokens.channels, tokenWeights: demo.branch !== null } : null,
    user: {
      teacher: ut ? info('teacher', ut, ut.kind === 'graph' ? 'graph-model' : 'layers-model') : null,
      student: us ? info('student', us, 'layers-model') : null,
    },
    inputSize: size,
    align: describeAlign(studentSplit.tapShape, demo.teacherSplit.tapShape),
    warnings: role === 'teacher' && current.tokens ? ['the teacher tap changed: its receptive tokens were dropped; run Learn masks'] : [],
  };
  const disposeOld = () => {
    if (role === 'teacher') {
      current.tokens?.dispose();
      current.branch?.dispose();
    }
  };
  return { demo, disposeOld, result };
}

