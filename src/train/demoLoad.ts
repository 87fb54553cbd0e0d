// Loading a digit demo beside the current one: the shipped teacher (or a fresh one), its tokens
// (or given ones, checked against it) and their masks, and a seeded student whose backbone is the
// shipped pretrained one (options.studentInit 'pretrained', the default) or fresh. Nothing is
// installed here: the session swaps the new demo in only when all of it worked.
import type * as tf from '@tensorflow/tfjs';
import type { DigitPools } from '../data/digits';
import type { DemoLoaded, LoadDemoOptions } from '../engine/models';
import type { MaskSnapshot } from '../engine/progress';
import type { EngineWarning } from '../engine/warnings';
import { disposeModel } from '../models/disposeModel';
import { buildStudent, TAP_LAYER, type Task } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { demoSource, disposeDemo, installTokens, type Demo } from './demo';
import { loadShippedTokens, loadStudentBackbone, loadTeacher, modelCard, type FetchFunc } from './demoModels';
import { applyBackbone } from '../models/studentBackbone';
import { demoSnapshot } from './runLoop';
import { reseedKernels } from './seededInit';
import { tokensForTeacher } from './tokensForTeacher';

/** A demo built and ready to replace the current one, and the reply that describes it. */
export interface BuiltDemo {
  readonly demo: Demo;
  readonly loaded: DemoLoaded;
}

/**
 * Builds the demo of `task` at `options.inputSize`. With `options.tokens` those tokens take the
 * shipped ones' place: checked against the new teacher and their masks drawn first, so tokens
 * that do not fit throw (and everything built here is released).
 */
export async function buildDemo(pools: DigitPools, task: Task, base: string, options: LoadDemoOptions, fetchFunc: FetchFunc | undefined): Promise<BuiltDemo> {
  const { tokens: given, ...kept } = options;
  const size = kept.inputSize ?? 64;
  if (!Number.isInteger(size) || size < 8 || size % 4 !== 0) throw new Error(`input size must be a multiple of 4, at least 8; got ${size}`);
  const inputShape = [size, size, 3] as const;
  const warnings: EngineWarning[] = [];
  const loaded = await loadTeacher(base, task, inputShape, warnings, fetchFunc);
  let student: tf.LayersModel | null = null;
  let next: Demo | null = null;
  let snapshot: MaskSnapshot | null = null;
  try {
    const teacherSplit = splitAtLayer(loaded.model, TAP_LAYER);
    const shipped = loaded.shipped && !given ? await loadShippedTokens(base, task, teacherSplit.tapShape[2], warnings, fetchFunc) : null;
    student = buildStudent(task, { inputShape });
    reseedKernels(student, kept.seed ?? 1);
    // The head stays as seeded (the same values as a fresh student's); the backbone is replaced.
    const backbone = kept.studentInit === 'fresh' ? null : await loadStudentBackbone(base, task, student, warnings, fetchFunc);
    if (backbone) applyBackbone(student, backbone);
    const source = demoSource(pools, task, size);
    next = {
      task,
      inputShape,
      source,
      teacher: loaded.model,
      teacherSplit,
      previews: source.previews(),
      tokens: shipped?.tokens ?? null,
      branch: shipped?.branch ?? null,
      student,
      studentBackbone: backbone,
      bestStudent: null,
      base,
      options: kept,
    };
    if (given) {
      const set = tokensForTeacher(next, given);
      installTokens(next, set.tokens, set.branch);
    }
    // Not the session's snapshot(): a demo reloaded while moving off a lost device must not wait for that move.
    if (next.tokens) snapshot = await demoSnapshot(next, 0, 'masks');
  } catch (err) {
    if (next) disposeDemo(next);
    else {
      disposeModel(loaded.model);
      if (student) disposeModel(student);
    }
    throw err;
  }
  const studentSplit = splitAtLayer(next.student, TAP_LAYER);
  return {
    demo: next,
    loaded: {
      teacher: modelCard(loaded.model, next.teacherSplit, 'teacher', loaded.shipped ? `builtin:${task}-teacher` : `fresh:${task}-teacher`, loaded.metric),
      student: modelCard(next.student, studentSplit, 'student', next.studentBackbone ? `builtin:${task}-student` : `fresh:${task}-student`),
      tokens: next.tokens ? { numTokens: next.tokens.numTokens, channels: next.tokens.channels, tokenWeights: next.branch !== null } : null,
      warnings,
      snapshot,
    },
  };
}
