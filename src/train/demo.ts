// The models and data the session holds for the loaded demo, the digit scenes it draws them
// from, and what disposing of it releases.
import * as tf from '@tensorflow/tfjs';
import type { DigitPools } from '../data/digits';
import type { Scene, SceneConfig } from '../data/scenes';
import type { ReceptiveTokens } from '../maskd/tokens';
import type { TokenWeightBranch } from '../maskd/tokenWeights';
import type { Task } from '../models/nets';
import { disposeModel } from '../models/disposeModel';
import type { SplitModel } from '../models/split';
import type { Checkpoint } from '../engine/checkpoint';
import type { OutputSpec } from '../maskd/consistency';
import type { MimicOutput } from '../models/mimicStudent';
import { digitSource, type DataSource } from './dataSource';
import type { ModelArtifactsData } from '../engine/artifacts';
import type { LoadDemoOptions } from '../engine/models';
import type { MaskStageConfig } from '../engine/runConfigs';
import { branchFromArrays, tokensFromArray } from './runState';
import { releaseUser, type UserModels } from './userModelParts';

export const VAL_SEED = 20230501;
export const PREVIEW_SEED = 4242;
export const PREVIEW_COUNT = 4;
export const DEFAULT_VAL_COUNT = 64;

export interface Demo {
  readonly task: Task;
  readonly inputShape: readonly [number, number, number];
  readonly source: DataSource;
  readonly teacher: tf.LayersModel;
  readonly teacherSplit: SplitModel;
  readonly previews: readonly Scene[];
  tokens: ReceptiveTokens | null;
  branch: TokenWeightBranch | null;
  /** The stage-1 settings this session learnt `tokens` with; absent or null for shipped, imported or restored tokens. */
  tokensLearntWith?: MaskStageConfig | null;
  student: tf.LayersModel;
  /** The shipped pretrained backbone every run's built-in student starts from (checked); null: students start fresh. */
  readonly studentBackbone?: ReadonlyMap<string, Float32Array> | null;
  bestStudent: tf.Tensor[] | null;
  /** The align module trained with `student` (by `distill`), as artifacts for export. */
  align?: ModelArtifactsData;
  /** How it was loaded, to load it again on another backend after a device loss; null for a teacher trained in the page. */
  readonly base: string | null;
  readonly options: LoadDemoOptions;
  /** The user's own teacher/student, when loaded (src/train/userModels.ts). */
  user?: UserModels;
  /** How the label-free objective reads the teacher's outputs (a user's teacher); the task's heads when absent. */
  readonly outputSpecs?: readonly OutputSpec[];
  /** Why no labels fit the teacher (its outputs are not the data's labels); null or absent when they fit. */
  readonly labelFree?: string | null;
  /** The built-in student of a label-free teacher produces these outputs (src/models/mimicStudent.ts). */
  readonly mimic?: readonly MimicOutput[];
  /** Images per stage-1 micro-batch: a large teacher's head keeps the activations of this many at once. */
  readonly microBatch?: number;
  /** Images per stage-2 micro-batch of a label-free teacher (the student, the tap and the outputs of that many at once). */
  readonly distillMicroBatch?: number;
}

/** A demo on `source` (a custom dataset) without tokens; nothing to reload it from after a device loss. */
export function demoOnSource(source: DataSource, teacher: tf.LayersModel, teacherSplit: SplitModel, student: tf.LayersModel): Demo {
  return {
    task: source.task,
    inputShape: source.inputShape,
    source,
    teacher,
    teacherSplit,
    previews: source.previews(),
    tokens: null,
    branch: null,
    student,
    bestStudent: null,
    base: null,
    options: {},
  };
}

/** Scene settings scaled to the input side (digits 14–28 px at 64). */
export function sceneForSize(size: number): Partial<SceneConfig> {
  if (size === 64) return {};
  return { height: size, width: size, minSize: Math.max(6, Math.round((14 * size) / 64)), maxSize: Math.max(8, Math.round((28 * size) / 64)) };
}

/** The digit scenes of a demo at input side `size`, with the engine's fixed validation and preview seeds. */
export function demoSource(pools: DigitPools, task: Task, size: number): DataSource {
  return digitSource(pools, task, sceneForSize(size), size, { valSeed: VAL_SEED, previewSeed: PREVIEW_SEED, previewCount: PREVIEW_COUNT });
}

/**
 * Puts `tokens` (+ `branch`) in the demo, freeing the ones they replace: the one place tokens
 * change hands. `learntWith`: the stage-1 settings that learnt them here (a PyTorch bundle's
 * page.json records them), null for tokens from anywhere else.
 */
export function installTokens(demo: Demo, tokens: ReceptiveTokens | null, branch: TokenWeightBranch | null, learntWith: MaskStageConfig | null = null): void {
  if (demo.tokens !== tokens) demo.tokens?.dispose();
  if (demo.branch !== branch) demo.branch?.dispose();
  demo.tokens = tokens;
  demo.branch = branch;
  demo.tokensLearntWith = tokens ? learntWith : null;
}

/** Stage 2 resumes with the tokens it was run with (not whatever the reloaded demo ships). */
export function replaceTokens(demo: Demo, from: Checkpoint): void {
  if (!from.tokens) return;
  installTokens(demo, tokensFromArray(from.tokens), from.branch ? branchFromArrays(from.branch) : null);
}

export function disposeDemo(d: Demo): void {
  disposeModel(d.teacher);
  disposeModel(d.student);
  releaseUser(d);
  d.tokens?.dispose();
  d.branch?.dispose();
  if (d.bestStudent) tf.dispose(d.bestStudent);
}
