// Loading the demo: the shipped teacher (or a fresh seeded one, with a warning), its shipped receptive
// tokens when present, and the students' shipped pretrained backbone (checked before use). Used by the worker, and in Node by the scripts
// with a `fetchFunc` that reads files (fileFetch.ts).
import * as tf from '@tensorflow/tfjs';
import { ReceptiveTokens } from '../maskd/tokens';
import { TokenWeightBranch } from '../maskd/tokenWeights';
import { modelCost } from '../models/flops';
import { checkBackbone } from '../models/studentBackbone';
import { buildTeacher, TAP_LAYER, type Task } from '../models/nets';
import type { SplitModel } from '../models/split';
import { reseedKernels } from './seededInit';
import type { ModelCard } from '../engine/models';
import type { TokensFile } from '../engine/tokens';
import type { EngineWarning } from '../engine/warnings';
import { errorText } from '../errorText';

/** Fetches a shipped file (a `fetch` of its own, e.g. one that reads files in Node); the platform's `fetch` when none is given. */
export type FetchFunc = typeof fetch;

export function teacherUrl(base: string, task: Task): string {
  return new URL(`models/${task}-teacher/`, base).href;
}

async function fetchJson(url: string, fetchFunc?: FetchFunc): Promise<unknown | null> {
  try {
    const res = fetchFunc ? await fetchFunc(url) : await fetch(url);
    if (!res.ok) return null;
    const type = res.headers.get('content-type') ?? '';
    // A dev server's SPA fallback answers missing files with index.html.
    if (type.includes('text/html')) return null;
    return (await res.json()) as unknown;
  } catch {
    return null;
  }
}

async function fetchBytes(url: string, fetchFunc?: FetchFunc): Promise<ArrayBuffer | null> {
  try {
    const res = fetchFunc ? await fetchFunc(url) : await fetch(url);
    if (!res.ok || (res.headers.get('content-type') ?? '').includes('text/html')) return null;
    return await res.arrayBuffer();
  } catch {
    return null;
  }
}

/** Where the demo students' pretrained backbone is shipped (scripts/pretrain-students.ts writes it). */
export function studentBackboneUrl(base: string): string {
  return new URL('models/student-backbone/', base).href;
}

/**
 * The shipped pretrained backbone, checked against `student` (names, shapes, byte count, finite
 * values): its values by weight name, or null with an 'untrained-student' warning when it is
 * missing or does not fit (the student then keeps its fresh init).
 */
export async function loadStudentBackbone(
  base: string,
  task: Task,
  student: tf.LayersModel,
  warnings: EngineWarning[],
  fetchFunc?: FetchFunc,
): Promise<Map<string, Float32Array> | null> {
  const dir = studentBackboneUrl(base);
  const meta = await fetchJson(`${dir}meta.json`, fetchFunc);
  const bytes = meta ? await fetchBytes(`${dir}weights.bin`, fetchFunc) : null;
  const fresh = `the ${task} student starts from a fresh init`;
  if (!meta || !bytes) {
    warnings.push({ kind: 'untrained-student', text: `no shipped student backbone at ${dir}: ${fresh}` });
    return null;
  }
  try {
    return checkBackbone(student, meta, bytes);
  } catch (err) {
    warnings.push({ kind: 'untrained-student', text: `the shipped student backbone could not be used (${errorText(err)}): ${fresh}` });
    return null;
  }
}

const FRESH_TEACHER_SEED = 1;

export interface LoadedTeacher {
  readonly model: tf.LayersModel;
  readonly shipped: boolean;
  readonly metric?: { readonly name: string; readonly value: number };
}

export async function loadTeacher(
  base: string,
  task: Task,
  inputShape: readonly [number, number, number],
  warnings: EngineWarning[],
  fetchFunc?: FetchFunc,
): Promise<LoadedTeacher> {
  const dir = teacherUrl(base, task);
  if (inputShape[0] === 64 && inputShape[1] === 64) {
    const modelJson = await fetchJson(`${dir}model.json`, fetchFunc);
    if (modelJson) {
      // tfjs routes only http(s) URLs by itself; with a fetchFunc its http loader takes any URL that function reads.
      const model = await tf.loadLayersModel(fetchFunc ? tf.io.http(`${dir}model.json`, { fetchFunc }) : `${dir}model.json`);
      const meta = (await fetchJson(`${dir}meta.json`, fetchFunc)) as { metricName?: unknown; metric?: unknown } | null;
      const metric =
        meta && typeof meta.metricName === 'string' && typeof meta.metric === 'number' ? { name: meta.metricName, value: meta.metric } : undefined;
      return { model, shipped: true, metric };
    }
    warnings.push({ kind: 'untrained-teacher', text: `no shipped ${task} teacher at ${dir}model.json: using a fresh, untrained teacher (masks and distillation will mean little)` });
  } else {
    warnings.push({ kind: 'untrained-teacher', text: `input ${inputShape[0]}×${inputShape[1]} differs from the shipped teacher's 64×64: using a fresh, untrained teacher` });
  }
  // Seeded, so a demo without its shipped teacher gives the same runs every time it loads.
  const model = buildTeacher(task, { inputShape });
  reseedKernels(model, FRESH_TEACHER_SEED);
  return { model, shipped: false };
}

/** Shipped tokens for this teacher, when present and matching its tap width. */
export async function loadShippedTokens(
  base: string,
  task: Task,
  channels: number,
  warnings: EngineWarning[],
  fetchFunc?: FetchFunc,
): Promise<{ tokens: ReceptiveTokens; branch: TokenWeightBranch | null } | null> {
  const file = (await fetchJson(`${teacherUrl(base, task)}tokens.json`, fetchFunc)) as TokensFile | null;
  if (!file) return null;
  try {
    const tokens = ReceptiveTokens.deserialize(file.tokens);
    if (tokens.channels !== channels) {
      tokens.dispose();
      throw new Error(`they have ${tokens.channels} channels, the teacher's tap has ${channels}`);
    }
    const branch = file.branch ? TokenWeightBranch.deserialize(file.branch) : null;
    return { tokens, branch };
  } catch (err) {
    warnings.push({ kind: 'untrained-tokens', text: `the shipped ${task} tokens could not be used (${errorText(err)}): run mask learning` });
    return null;
  }
}

export function modelCard(model: tf.LayersModel, split: SplitModel, role: ModelCard['role'], source: string, metric?: ModelCard['metric']): ModelCard {
  const cost = modelCost(model);
  const [h, w, c] = split.tapShape;
  const input = model.inputs[0].shape;
  return {
    role,
    source,
    params: cost.params,
    flops: cost.flops,
    tapLayer: TAP_LAYER,
    featureShape: [h, w, c],
    inputShape: [input[1] ?? 0, input[2] ?? 0, input[3] ?? 0],
    metric,
  };
}
