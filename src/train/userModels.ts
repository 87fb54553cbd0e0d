// The user's own teacher/student put into the worker's demo: loaded (loadUserModels.ts), checked
// against the data (userModelFit.ts) and put together with the current demo into a new Demo, or
// one of them re-split at another tap. Everything is built before anything is replaced, so a bad
// file leaves the loaded models as they were (the caller swaps on success).
import * as tf from '@tensorflow/tfjs';
import { splitGraph } from '../byo/graphTeacher';
import { layersGraph } from '../byo/loadLayers';
import { ModelFileError } from '../byo/modelFiles';
import { outputSpecs } from '../byo/teacherIo';
import { defaultClasses, layerRows } from '../byo/topology';
import { disposeModel } from '../models/disposeModel';
import { buildMimicStudent } from '../models/mimicStudent';
import { buildStudent, TAP_LAYER } from '../models/nets';
import { splitAtLayer } from '../models/split';
import type { Demo } from './demo';
import type { LoadModelsRequest, ModelRole, ModelsLoaded } from '../engine/userModels';
import type { EngineWarning } from '../engine/warnings';
import { reseedKernels } from './seededInit';
import { errorText } from '../errorText';
import { denseHead, loadStudent, loadTeacher } from './loadUserModels';
import { currentTeacherCard, describeAlign, layersCard, tokensInfo, userModelsInfo } from './userModelCards';
import { mimicOutputs, mimicProblem, type DataSpec } from './userModelFit';
import { distillMicroBatch, graphMicroBatch } from './userModelMicroBatches';
import { releaseUserTeacher, type UserModels, type UserStudent, type UserTeacher } from './userModelParts';

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
  readonly demo: Demo;
  readonly disposeOld: () => void;
  readonly result: ModelsLoaded;
}

/**
 * The current demo with the requested teacher and/or student replaced. Throws (a ModelFileError
 * for file problems) without touching `current`; on success the caller swaps in `demo` and then
 * calls `disposeOld`.
 */
export async function buildUserDemo(current: Demo, req: LoadModelsRequest, ctx: BuildContext): Promise<UserDemo> {
  if (!req.teacher && !req.student) throw new Error('loadModels: give a teacher, a student or both');
  const task = current.task;
  const warnings: EngineWarning[] = [];
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
        warnings.push({
          kind: 'label-free',
          text: `no labels fit this teacher (${labelFree}): stage 1 learns the tokens from the teacher’s own output, and Distill trains a built-in student that produces its ${mimic.length} output${mimic.length > 1 ? 's' : ''} (${mimic.map((m) => `[${m.shape.join(',')}]`).join(', ')})`,
        });
      }
      if (size !== current.inputShape[0]) {
        warnings.push({
          kind: 'input-size',
          text: `the teacher takes ${size}×${size} images: ${ctx.dataName ? 'the dataset' : `the demo scenes are now generated at ${size}×${size}`}, with a fresh built-in student of that size`,
        });
      }
    }
    const studentModel = student ?? current.student;
    const studentTap = s?.student.tap ?? keptStudent?.tap ?? TAP_LAYER;
    const studentSplit = splitAtLayer(studentModel, studentTap);
    const teacherSplit = t?.split ?? current.teacherSplit;
    const align = describeAlign(studentSplit.tapShape, teacherSplit.tapShape);
    const resized = size === current.inputShape[0] ? {} : dataForSize(ctx, size, (t?.teacher ?? s?.student)?.file ?? '');
    const user: UserModels = { teacher: t?.teacher ?? current.user?.teacher ?? null, student: s?.student ?? keptStudent };
    const demo: Demo = {
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
      tokens: tokensInfo(demo),
      user: userModelsInfo(user),
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

/** Re-splits a loaded user model at another layer; throws (naming file and layer) if it cannot be the tap. */
export function retapDemo(current: Demo, role: ModelRole, layer: string): UserDemo {
  const u = role === 'teacher' ? current.user?.teacher : current.user?.student;
  if (!u || !current.user) throw new Error(`the ${role} is a built-in model: load your own ${role} to choose its tap layer`);
  const row = layerRows(u.graph).find((r) => r.name === layer);
  if (!row) throw new ModelFileError(u.file, `has no layer "${layer}"`);
  if (row.notTap) throw new ModelFileError(u.file, `layer "${layer}" cannot be the tap: ${row.notTap}`);
  const size = current.inputShape[0];
  let demo: Demo;
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
  const us = demo.user?.student ?? null;
  const result: ModelsLoaded = {
    teacher: currentTeacherCard(demo),
    student: layersCard(demo.student, studentSplit, 'student', us?.source ?? `fresh:${demo.task}-student`, studentTap),
    tokens: tokensInfo(demo),
    user: userModelsInfo(demo.user),
    inputSize: size,
    align: describeAlign(studentSplit.tapShape, demo.teacherSplit.tapShape),
    warnings: role === 'teacher' && current.tokens ? [{ kind: 'tokens-dropped', text: 'the teacher tap changed: its receptive tokens were dropped; run Learn masks' }] : [],
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

