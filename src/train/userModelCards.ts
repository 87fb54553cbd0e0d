// What the page is shown of the loaded models: each one's card (parameters, FLOPs, tap, shapes),
// a user model's layer list, tap and outputs, the tokens, and the align module in words.
import type * as tf from '@tensorflow/tfjs';
import { layerRows, type ModelGraph } from '../byo/topology';
import { buildAlign } from '../models/align';
import { isOnnxName } from '../onnx/fileSet';
import { modelCost } from '../models/flops';
import { TAP_LAYER } from '../models/nets';
import type { SplitModel } from '../models/split';
import type { ModelCard } from '../engine/models';
import type { LayerRowData, ModelRole, ModelsLoaded, UserModelInfo } from '../engine/userModels';
import type { Demo } from './demo';
import { modelCard } from './demoModels';
import type { UserCommon, UserModels, UserTeacher } from './userModelParts';

export function layersCard(model: tf.LayersModel, split: SplitModel, role: ModelRole, source: string, tap: string): ModelCard {
  return { ...modelCard(model, split, role, source), tapLayer: tap };
}

export function graphCard(teacher: Extract<UserTeacher, { kind: 'graph' }>, split: SplitModel, size: number): ModelCard {
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

/** The card of the demo's teacher, built-in or the user's. */
export function currentTeacherCard(current: Demo): ModelCard {
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

function rowsData(graph: ModelGraph): LayerRowData[] {
  return layerRows(graph).map((r) => ({ ...r, shape: r.shape ? [...r.shape] : null }));
}

function info(role: ModelRole, u: UserCommon | UserTeacher, format: UserModelInfo['format']): UserModelInfo {
  const base: UserModelInfo = { role, label: u.label, format, layers: rowsData(u.graph), tap: u.tap, tapWhy: u.tapWhy };
  if (!('outputs' in u)) return base;
  return { ...base, outputs: u.outputs, ...(u.kind === 'graph' ? { input: u.loaded.input } : {}) };
}

/** The user's models as the page lists them: layers, tap, and a teacher's outputs and input. */
export function userModelsInfo(user: UserModels | undefined): ModelsLoaded['user'] {
  const teacher = user?.teacher ?? null;
  const student = user?.student ?? null;
  return {
    teacher: teacher ? info('teacher', teacher, teacher.kind === 'graph' ? 'graph-model' : teacher.files.some((f) => isOnnxName(f.name)) ? 'onnx' : 'layers-model') : null,
    student: student ? info('student', student, student.onnx ? 'onnx' : 'layers-model') : null,
  };
}

export function tokensInfo(demo: Demo): ModelsLoaded['tokens'] {
  return demo.tokens ? { numTokens: demo.tokens.numTokens, channels: demo.tokens.channels, tokenWeights: demo.branch !== null } : null;
}

/** "1×1 conv 16→32, bilinear 8×8→16×16" (and checks the align module builds). */
export function describeAlign(student: readonly number[], teacher: readonly number[]): string {
  const align = buildAlign([student[0], student[1], student[2]], [teacher[0], teacher[1], teacher[2]]);
  align.dispose();
  const conv = `1×1 conv ${student[2]}→${teacher[2]}`;
  return student[0] === teacher[0] && student[1] === teacher[1] ? conv : `${conv}, bilinear ${student[0]}×${student[1]}→${teacher[0]}×${teacher[1]}`;
}
