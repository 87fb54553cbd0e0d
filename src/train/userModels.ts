// The user's own teacher/student for the worker: files → checked, loaded, split models, put
// together with the current demo into a new Demo. Everything is built before anything is
// replaced, so a bad file leaves the loaded models as they were (the caller swaps on success).
import * as tf from '@tensorflow/tfjs';
import { deviceLimits } from '../byo/deviceLimits';
import { headBytes, loadGraphFromParsed, splitGraph, type LoadedGraph } from '../byo/graphTeacher';
import { layersGraph, layersOutputs, loadLayersFromParsed } from '../byo/loadLayers';
import { ModelFileError, parseModelFiles, type ParsedModel } from '../byo/modelFiles';
import { outputSpecs, type TeacherOutput } from '../byo/teacherIo';
import { defaultClasses, layerRows, outputProblem, planInput, suggestTap, taskChannels, type ModelGraph } from '../byo/topology';
import { modelCost } from '../models/flops';
import { buildAlign } from '../models/align';
import { disposeModel } from '../models/disposeModel';
import { buildMimicStudent, mimicWorkSide, type MimicOutput } from '../models/mimicStudent';
import { buildStudent, TAP_LAYER, type Task } from '../models/nets';
import { splitAtLayer, type SplitModel } from '../models/split';
import { modelCard } from './demoModels';
import type { Demo } from './demo';
import type { ModelCard } from '../engine/models';
import type { LayerRowData, LoadModelsRequest, ModelRole, ModelsLoaded, UserModelFiles, UserModelInfo } from '../engine/userModels';
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
  /** False when the data has no labels (an images-only dataset). Default true. */
  readonly labelled?: boolean;
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
function pickTap(file: string, graph: ModelGraph, outputChannels: number, requested?: string): { tap: string; why: string } {
  if (requested) {
    const row = layerRows(graph).find((r) => r.name === requested);
    if (!row) throw new ModelFileError(file, `has no layer "${requested}" to tap`);
    if (row.notTap) throw new ModelFileError(file, `layer "${requested}" cannot be the tap: ${row.notTap}`);
    return { tap: requested, why: 'chosen' };
  }
  const { suggestion, firstProblem } = suggestTap(graph, outputChannels);
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
  /** False for images without labels. */
  readonly labelled: boolean;
}

/** The input side the data is made at for this model, or a ModelFileError. */
function inputSize(file: string, data: DataSpec, graph: ModelGraph): number {
  const input = graph.nodes.find((n) => n.name === graph.inputs[0]);
  const plan = planInput(input?.shape ?? null, data.images);
  if ('problem' in plan) throw new ModelFileError(file, `cannot take the ${data.name}'s data: ${plan.problem}`);
  return plan.size;
}

function outputShapes(graph: ModelGraph): (readonly (number | null)[] | null)[] {
  return graph.outputs.map((o) => graph.nodes.find((n) => n.name === o)?.shape ?? null);
}

/** A student checked against the labels: its input side. */
function checkIo(file: string, data: DataSpec, graph: ModelGraph): number {
  const size = inputSize(file, data, graph);
  const problem = outputProblem(data.task, size, outputShapes(graph), data.classes, data.name);
  if (problem) throw new ModelFileError(file, `this student does not fit the ${data.name}: ${problem}`);
  return size;
}

/** How a teacher fits the data: its input side, and why no labels fit it (null when they do). */
interface TeacherFit {
  readonly size: number;
  readonly labelFree: string | null;
  /** Every output, and how the label-free objective reads each. */
  readonly outputs: readonly TeacherOutput[];
}

function fitTeacher(file: string, data: DataSpec, graph: ModelGraph, outputs: readonly TeacherOutput[]): TeacherFit {
  const size = inputSize(file, data, graph);
  const problem = data.labelled ? outputProblem(data.task, size, outputShapes(graph), data.classes, data.name) : `the ${data.name} has images only, no labels`;
  if (problem && !outputs.some((o) => o.dense)) {
    throw new ModelFileError(
      file,
      `no labels fit this teacher (${problem}), and none of its outputs is a dense map [N,H,W,C] whose own values stage 1 could learn from: ${outputs.map((o) => `${o.name} ${o.use}`).join('; ')}`,
    );
  }
  return { size, labelFree: problem, outputs };
}

/** Output channels a tap must exceed: the task head's, or a label-free teacher's widest dense output. */
function outputWidth(fit: TeacherFit, data: DataSpec): number {
  if (!fit.labelFree) return taskChannels(data.task, data.classes);
  return Math.max(...fit.outputs.filter((o) => o.dense).map((o) => o.shape?.[2] ?? 0));
}

/** Images per stage-1 micro-batch for a graph teacher: a step keeps the head's activations of that many images (≈ 3× forward). */
export const MICRO_BATCH_BYTES = 192 * 2 ** 20;

function graphMicroBatch(loaded: LoadedGraph, tap: string): number | undefined {
  const perImage = 3 * headBytes(loaded, tap);
  return perImage > 0 ? Math.max(1, Math.floor(MICRO_BATCH_BYTES / perImage)) : undefined;
}

/** What a stage-2 step of a label-free teacher may keep for backprop, all micro-batches' images together. */
export const DISTILL_BATCH_BYTES = 384 * 2 ** 20;

/**
 * Images per stage-2 micro-batch for a label-free teacher, from what one image keeps: the built-in
 * student at its working side (≈ 2 000 bytes per pixel: 509 MB at 512×512, measured), the tap
 * feature through the align module and the distillation term (≈ 12 copies), and the outputs
 * through the objective (≈ 20 copies).
 */
export function distillMicroBatch(size: number, tapShape: readonly number[], mimic: readonly MimicOutput[]): number {
  const work = mimicWorkSide(size);
  const tap = 4 * tapShape.reduce((a, d) => a * d, 1);
  const outputs = mimic.reduce((a, o) => a + 4 * o.shape.reduce((x, d) => x * d, 1), 0);
  const perImage = 2000 * work * work + 12 * tap + 20 * outputs;
  return Math.max(1, Math.floor(DISTILL_BATCH_BYTES / perImage));
}

/** A layers head that returns the dense outputs only (what the objective compares), in model order. */
function denseHead(split: SplitModel, outputs: readonly TeacherOutput[]): SplitModel {
  if (outputs.every((o) => o.dense)) return split;
  const keep = split.head.outputs.filter((_, i) => outputs[i]?.dense);
  const head = tf.model({ inputs: split.head.inputs, outputs: keep.length === 1 ? keep[0] : keep, name: `${split.head.name}_dense` });
  return { ...split, head };
}

interface LoadedTeacher {
  readonly teacher: UserTeacher;
  readonly split: SplitModel;
  readonly size: number;
  readonly fit: TeacherFit;
  readonly microBatch?: number;
  readonly card: () => ModelCard;
}

async function loadTeacher(req: UserModelFiles, data: DataSpec): Promise<LoadedTeacher> {
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
  const model = await loadLayersFromParsed(parsed);
  try {
    const graph = layersGraph(model);
    const fit = fitTeacher(parsed.modelFile, data, graph, layersOutputs(model));
    const { tap, why } = pickTap(parsed.modelFile, graph, outputWidth(fit, data), req.tap);
    const whole = splitAtLayer(model, tap);
    const split = fit.labelFree ? denseHead(whole, fit.outputs) : whole;
    const teacher: UserTeacher = { kind: 'layers', model, label: req.label, file: parsed.modelFile, source, graph, tap, tapWhy: why, files: req.files, outputs: fit.outputs };
    return { teacher, split, size: fit.size, fit, card: () => layersCard(model, split, 'teacher', source, tap) };
  } catch (err) {
    disposeModel(model);
    throw err;
  }
}

/** The dense outputs a label-free teacher's student must produce. */
function mimicOutputs(outputs: readonly TeacherOutput[]): MimicOutput[] {
  const activation = (o: TeacherOutput): MimicOutput['activation'] => (o.kind === 'sigmoid' ? 'sigmoid' : o.kind === 'softmax' ? 'softmax' : 'linear');
  return outputs.filter((o) => o.dense).map((o) => ({ name: o.name, shape: o.shape as number[], activation: activation(o) }));
}

/** Null when a student's outputs are the label-free teacher's dense outputs (same shapes, same order); else why not. */
function mimicProblem(graph: ModelGraph, mimic: readonly MimicOutput[]): string | null {
  const got = outputShapes(graph);
  const show = (s: readonly (number | null)[] | null) => `[${(s ?? []).map((d) => d ?? 'N').join(',')}]`;
  const want = mimic.map((m) => [null, ...m.shape]);
  const same = got.length === want.length && got.every((g, i) => g && g.length === want[i].length && g.every((d, k) => k === 0 || d === want[i][k]));
  return same ? null : `its outputs ${got.map(show).join(', ')} are not the teacher's ${want.map(show).join(', ')}, which a student of a label-free teacher must produce`;
}

async function loadStudent(req: UserModelFiles, data: DataSpec, mimic: readonly MimicOutput[] | null): Promise<{ student: UserStudent; model: tf.LayersModel; size: number }> {
  const parsed = parseModelFiles(req.files, deviceLimits());
  if (parsed.format === 'graph-model') {
    throw new ModelFileError(parsed.modelFile, 'is a graph model, which is frozen: a student must be trainable, so give a TensorFlow.js layers model (graph models work as teachers)');
  }
  const model = await loadLayersFromParsed(parsed);
  try {
    const graph = layersGraph(model);
    let size: number;
    if (mimic) {
      size = inputSize(parsed.modelFile, data, graph);
      const problem = mimicProblem(graph, mimic);
      if (problem) throw new ModelFileError(parsed.modelFile, `this student does not fit the teacher: ${problem}`);
    } else {
      size = checkIo(parsed.modelFile, data, graph);
    }
    const width = mimic ? Math.max(...mimic.map((m) => m.shape[2])) : taskChannels(data.task, data.classes);
    const { tap, why } = pickTap(parsed.modelFile, graph, width, req.tap);
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

function info(role: ModelRole, u: UserCommon | UserTeacher, format: UserModelInfo['format']): UserModelInfo {
  const base: UserModelInfo = { role, label: u.label, format, layers: rowsData(u.graph), tap: u.tap, tapWhy: u.tapWhy };
  if (!('outputs' in u)) return base;
  return { ...base, outputs: u.outputs, ...(u.kind === 'graph' ? { input: u.loaded.input } : {}) };
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
    const labelled = ctx.labelled ?? true;
    const data: DataSpec = ctx.dataName
      ? { task, classes, name: ctx.dataName, images: `the ${ctx.dataName}'s images`, labelled }
      : { task, classes, name: `${task} demo`, images: 'the demo scenes', labelled };
    const t = req.teacher ? await loadTeacher(req.teacher, data) : null;
    if (t) made.push({ dispose: () => (t.teacher.kind === 'graph' ? (disposeModel(t.teacher.full), t.teacher.loaded.model.dispose()) : disposeModel(t.teacher.model)) });
    // A label-free teacher (no labels fit it) needs a student that produces its outputs.
    const labelFree = t ? t.fit.labelFree : (current.labelFree ?? null);
    const mimic = t ? (t.fit.labelFree ? mimicOutputs(t.fit.outputs) : null) : (current.labelFree ? (current.mimic ?? null) : null);
    const s = req.student ? await loadStudent(req.student, data, mimic) : null;
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
    if (t && !s && keptStudent) {
      const how = 'Load a student for this teacher with it, or choose the demo again for a built-in student';
      const problem = mimic ? mimicProblem(layersGraph(current.student), mimic) : null;
      if (problem) {
        throw new ModelFileError(t.teacher.file, `no labels fit this teacher (${labelFree}), so its student must produce its outputs, and the loaded student (${keptStudent.label}) does not: ${problem}. ${how}`);
      }
      if (!mimic && current.labelFree) throw new ModelFileError(t.teacher.file, `the loaded student (${keptStudent.label}) was made for a label-free teacher's outputs, not this teacher's labels. ${how}`);
    }
    // The student: the new one, the current one when it still fits, or a fresh built-in one
    // (of the new size; for a label-free teacher, one that produces its outputs).
    let student = s?.model ?? null;
    const changedKind = t !== null && !keptStudent && (mimic !== null || current.mimic !== undefined);
    if (!student && (size !== current.inputShape[0] || changedKind)) {
      student = mimic ? buildMimicStudent(mimic, inputShape) : buildStudent(task, { inputShape, numClasses: classes });
      reseedKernels(student, ctx.seed);
      const built = student;
      made.push({ dispose: () => disposeModel(built) });
      if (mimic) {
        warnings.push(`no labels fit this teacher (${labelFree}): stage 1 learns the tokens from the teacher’s own output, and Distill trains a built-in student that produces its ${mimic.length} output${mimic.length > 1 ? 's' : ''} (${mimic.map((m) => `[${m.shape.join(',')}]`).join(', ')})`);
      }
      if (size !== current.inputShape[0]) {
        warnings.push(`the teacher takes ${size}×${size} images: ${ctx.dataName ? 'the dataset' : `the demo scenes are now generated at ${size}×${size}`}, with a fresh built-in student of that size`);
      }
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
      outputSpecs: t ? (t.fit.labelFree ? outputSpecs(t.fit.outputs) : undefined) : current.outputSpecs,
      labelFree,
      mimic: s ? undefined : student ? (mimic ?? undefined) : current.mimic,
      microBatch: t ? t.microBatch : current.microBatch,
      distillMicroBatch: mimic ? distillMicroBatch(size, teacherSplit.tapShape, mimic) : undefined,
    };
    const teacherCard = t ? t.card() : currentTeacherCard(current);
    const freshSource = demo.mimic ? 'fresh:mimic-student' : `fresh:${task}-student`;
    const studentCard = s
      ? layersCard(s.model, studentSplit, 'student', s.student.source, studentTap)
      : layersCard(studentModel, studentSplit, 'student', keptStudent?.source ?? freshSource, studentTap);
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
      labelFree,
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
    const whole = t.kind === 'graph' ? splitGraph(t.loaded, layer, [size, size, 3]).split : splitAtLayer(t.model, layer);
    const teacherSplit = t.kind === 'layers' && current.labelFree ? denseHead(whole, t.outputs) : whole;
    describeAlign(splitAtLayer(current.student, current.user.student?.tap ?? TAP_LAYER).tapShape, teacherSplit.tapShape);
    const microBatch = t.kind === 'graph' ? graphMicroBatch(t.loaded, layer) : current.microBatch;
    const distill = current.mimic ? distillMicroBatch(size, teacherSplit.tapShape, current.mimic) : undefined;
    demo = { ...current, teacherSplit, tokens: null, branch: null, user: { ...current.user, teacher: next }, microBatch, distillMicroBatch: distill };
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
    labelFree: demo.labelFree ?? null,
  };
  const disposeOld = () => {
    if (role === 'teacher') {
      current.tokens?.dispose();
      current.branch?.dispose();
    }
  };
  return { demo, disposeOld, result };
}

