// What train.py needs to write the page's run file at the end (the way back, docs/pytorch.md):
// page.json (the page's RunConfig and RunTokens, the browser's loss and metric series, the
// exported checkpoint without its arrays, and for every array of the student, the align module
// and Adam's state its page name, TF.js shape and the PyTorch tensor it comes back from), the
// held-out digit pools its validation and test scenes are drawn from (a dropped dataset's run
// scores on the dataset's own validation split instead, as the page does), the browser's best
// student, and the two Python files that score and write. The contract: /work/notes/wayback-contract.md.
import type * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from '../engine/checkpoint';
import type { NamedArray } from '../engine/artifacts';
import type { DigitPool, DigitPools } from '../data/digits';
import { DEFAULT_DECODE } from '../data/centernet';
import { LIMITS } from '../limits';
import { METHODS } from '../maskd/methodInfo';
import { NET_STRIDE, SEG_CLASSES, DET_HEAT_CHANNELS } from '../models/nets';
import { historyToJsonObject } from '../share/history';
import type { RunConfig, RunTokens } from '../share/runFile';
import type { MaskSettings } from '../share/settings';
import type { MaskStageConfig } from '../engine/runConfigs';
import { seriesFromHistory } from '../share/series';
import { writeSafetensors, type SafetensorsTensor } from '../share/safetensors';
import { defaultDistillSettings, defaultMaskSettings, defaultMethodParams } from '../state/setupSlice';
import { TEST_SEED } from '../train/dataSource';
import { DEFAULT_VAL_COUNT, sceneForSize, VAL_SEED } from '../train/demo';
import { DEFAULT_TEST_COUNT } from '../train/distillRun';
import { taskAdapter } from '../train/tasks';
import { layerGraph, PytorchExportError } from './graph';
import { weightSources, type WeightSource } from './moduleSource';
import { checkpointToJson } from './checkpointJson';
import { METRICS_PY } from './templates/metrics.py';
import { PAGE_RUN_PY } from './templates/pageRun.py';

export const PAGE_FILE = 'page.json';
export const PAGE_FORMAT = 'maskd-playground.pytorch-page';
export const HELD_OUT_FILE = 'heldout.safetensors';
export const PAGE_BEST_FILE = 'page-best.safetensors';
const DATASET_FILE = 'dataset.safetensors';

/** One array of the page's checkpoint and the PyTorch tensor it comes back from: `tf = torch.reshape(view).permute(perm)`. */
export interface ArraySource extends WeightSource {
  readonly name: string;
  readonly shape: readonly number[];
}

/** A moment of Adam's state: `exp_avg` (TF.js's m) or `exp_avg_sq` (v) of the parameter `key`. */
export interface MomentSource extends ArraySource {
  readonly moment: 'exp_avg' | 'exp_avg_sq';
}

export interface PageReturnInput {
  /** The run's student (the demo's or the user's) and align module holding the checkpoint's weights. */
  readonly student: tf.LayersModel;
  readonly align: tf.LayersModel;
  /** The run's data: the digit pools (the page's scenes), or a dropped dataset's class count (its arrays are the bundle's dataset.safetensors). */
  readonly data: { readonly pools: DigitPools } | { readonly datasetClasses: number };
  /** The page's Setup when the caller has it; otherwise the default Setup with the checkpoint's run in it. */
  readonly config?: RunConfig;
  /** The stage-1 settings that learnt the checkpoint's tokens in this session, for that default Setup. */
  readonly stage1?: MaskStageConfig | null;
}

const shapeOf = (v: tf.LayerVariable): number[] => v.shape.map((d) => d ?? 0);

/** Each of `vars` with its layer's name prefixed to its short name, as weightSources keys them. */
function layerKeys(model: tf.LayersModel, vars: readonly tf.LayerVariable[]): string[] {
  const owner = new Map<string, string>();
  for (const l of model.layers) for (const w of l.weights) owner.set(w.originalName, l.name);
  return vars.map((w) => `${owner.get(w.originalName) ?? ''}/${w.originalName.slice(w.originalName.lastIndexOf('/') + 1)}`);
}

function sourcesOf(model: tf.LayersModel, vars: readonly tf.LayerVariable[], role: string, names: readonly string[]): ArraySource[] {
  const sources = weightSources(layerGraph(model));
  return layerKeys(model, vars).map((id, i) => {
    const s = sources.get(id);
    if (!s) throw new PytorchExportError(`${role} weight ${id} has no PyTorch tensor to come back from`);
    return { name: names[i], shape: shapeOf(vars[i]), key: `${role}.${s.key}`, view: s.view, perm: s.perm };
  });
}

/** The page's names of the checkpoint's arrays, checked against the model's shapes in order. */
function pageNames(arrays: readonly NamedArray[], vars: readonly tf.LayerVariable[], what: string): string[] {
  if (arrays.length !== vars.length) throw new PytorchExportError(`${what}: the checkpoint has ${arrays.length} weights, the model ${vars.length}`);
  return arrays.map((a, i) => {
    if (a.shape.join(',') !== shapeOf(vars[i]).join(',')) throw new PytorchExportError(`${what}: weight ${i} (${a.name}) is [${a.shape.join(',')}], the model's [${shapeOf(vars[i]).join(',')}]`);
    return a.name;
  });
}

/** Adam's arrays in the page's order (iteration count, first moments, second moments) and where each comes from. */
function optimizerSources(cp: Checkpoint, o: PageReturnInput): { iterations: string; moments: MomentSource[] } {
  // The student alone ('none') never runs the align module: Adam holds moments for the student only.
  const alone = cp.kind === 'distill' && cp.config.method === 'none';
  const parts = [
    { role: 'student', model: o.student },
    ...(alone ? [] : [{ role: 'align', model: o.align }]),
  ];
  const vars = parts.flatMap((p) => sourcesOf(p.model, p.model.trainableWeights, p.role, p.model.trainableWeights.map((w) => w.name)));
  const given = cp.optimizer.length === 1 + 2 * vars.length ? cp.optimizer : null;
  const moments = (['exp_avg', 'exp_avg_sq'] as const).flatMap((moment, m) =>
    vars.map((v, i): MomentSource => ({ ...v, moment, name: given ? given[1 + m * vars.length + i].name : `${v.name}/${m === 0 ? 'm' : 'v'}` })),
  );
  return { iterations: given ? given[0].name : 'iter', moments };
}

/** The Setup's stage-1 fields of the settings the session learnt its tokens with (those it left out keep the defaults). */
function maskSettingsOf(c: MaskStageConfig): Partial<MaskSettings> {
  const given = { optimizer: c.optimizer, momentum: c.momentum, weightDecay: c.weightDecay, schedule: c.schedule, minLr: c.minLr };
  return {
    steps: c.steps,
    batchSize: c.batchSize,
    lr: c.lr,
    diceWeight: c.diceWeight,
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
}

/** The page's Setup for a checkpoint's run: the defaults with its method, parameters, steps, batch, lr, seed and tokens. */
export function runConfigOf(cp: Checkpoint, stage1?: MaskStageConfig | null): RunConfig {
  if (cp.kind !== 'distill') throw new PytorchExportError('only a distillation (stage 2) checkpoint comes back to the page');
  const c = cp.config;
  const params = defaultMethodParams(cp.task);
  params[c.method] = { ...params[c.method], ...Object.fromEntries(Object.entries(c.params).filter(([k]) => METHODS[c.method].params.some((p) => p.key === k))) };
  const mask = { ...defaultMaskSettings(cp.task), ...(stage1 ? maskSettingsOf(stage1) : {}) };
  return {
    task: cp.task,
    seed: c.seed,
    mask: { ...mask, numTokens: cp.tokens ? cp.tokens.shape[0] : mask.numTokens, tokenWeights: cp.branch !== null },
    distill: {
      ...defaultDistillSettings(cp.task),
      method: c.method,
      params,
      steps: cp.total,
      batchSize: c.batchSize,
      lr: cp.lr,
      evalEvery: c.evalEvery >= 1 ? c.evalEvery : defaultDistillSettings(cp.task).evalEvery,
      valCount: c.valCount ?? DEFAULT_VAL_COUNT,
    },
    compareMethods: cp.compare ? [...cp.compare.methods] : [c.method],
  };
}

function runTokensOf(cp: Checkpoint): RunTokens | null {
  if (!cp.tokens) return null;
  const tokens = { name: 'mask_token', shape: [...cp.tokens.shape], data: Array.from(cp.tokens.data) };
  if (!cp.branch) return { tokens };
  return { tokens, branch: Object.fromEntries(cp.branch.map((a) => [a.name, { shape: [...a.shape], data: Array.from(a.data) }])) };
}

const pool = (p: DigitPool, split: string): Record<string, SafetensorsTensor> => ({
  [`${split}_pixels`]: { dtype: 'U8', shape: [p.count, p.rows, p.cols], data: p.pixels },
  [`${split}_labels`]: { dtype: 'U8', shape: [p.count], data: p.labels },
});

/**
 * How train.py scores as the page does (src/train/distillRun.ts): validation on `valSet(valCount)`,
 * the reported number on `testSet(testCount)`. The digit demos draw both as seeded scenes from
 * their held-out digits; a dropped dataset has no test split, so both are the first images of its
 * validation split (customSource) and the reported number says `val`, as the page's does.
 */
function evalSpec(cp: Checkpoint & { kind: 'distill' }, data: PageReturnInput['data']) {
  const valCount = cp.config.valCount ?? DEFAULT_VAL_COUNT;
  const testCount = cp.config.testCount ?? DEFAULT_TEST_COUNT;
  const numClasses = 'pools' in data ? (cp.task === 'segmentation' ? SEG_CLASSES : DET_HEAT_CHANNELS) : data.datasetClasses;
  const common = { metric: taskAdapter(cp.task).metricName, task: cp.task, numClasses, batch: 8, decode: { ...DEFAULT_DECODE, stride: NET_STRIDE, numClasses } };
  if ('pools' in data) {
    return {
      ...common,
      scene: sceneForSize(cp.inputSize),
      val: { seed: VAL_SEED, count: valCount },
      test: { seed: cp.config.testSeed ?? TEST_SEED, count: testCount },
    };
  }
  return {
    ...common,
    // dataset.safetensors' split `split`, its first `count` images (at least one).
    dataset: { file: DATASET_FILE },
    val: { split: 'val', count: Math.max(1, valCount) },
    test: { split: 'val', count: Math.max(1, testCount) },
  };
}

/** The files the way back adds to a bundle of `cp` (a stage-2 checkpoint of a digit demo or of a dropped dataset). */
export function pageReturnFiles(cp: Checkpoint, o: PageReturnInput): Record<string, string | Uint8Array> {
  if (cp.kind !== 'distill' || !cp.student || !cp.align) throw new PytorchExportError('only a distillation (stage 2) checkpoint comes back to the page');
  const method = cp.config.method;
  const { losses, metrics } = historyToJsonObject(
    seriesFromHistory({}, 'distill', method, cp.history, 'losses'),
    seriesFromHistory({}, 'distill', method, cp.history, 'metrics'),
  );
  const skeleton = JSON.parse(checkpointToJson({ ...cp, student: [], align: [], optimizer: [], best: null })) as Record<string, unknown>;
  const optimizer = optimizerSources(cp, o);
  const page = {
    format: PAGE_FORMAT,
    formatVersion: 1,
    config: o.config ?? runConfigOf(cp, o.stage1),
    tokens: runTokensOf(cp),
    history: { losses, metrics },
    checkpoint: { ...skeleton, best: cp.best ? { metric: cp.best.metric, step: cp.best.step, file: PAGE_BEST_FILE } : null },
    arrays: {
      student: sourcesOf(o.student, o.student.weights, 'student', pageNames(cp.student, o.student.weights, 'student')),
      align: sourcesOf(o.align, o.align.weights, 'align', pageNames(cp.align, o.align.weights, 'align module')),
      optimizer,
    },
    eval: evalSpec(cp, o.data),
    // What the page opens (src/limits.ts): train.py warns when its file is over any of them.
    limits: { runFileBytes: LIMITS.runFileBytes.value, checkpointValues: LIMITS.runFileCheckpointValues.value, checkpointHistory: LIMITS.runFileCheckpointHistory.value },
  };
  const files: Record<string, string | Uint8Array> = {
    [PAGE_FILE]: `${JSON.stringify(page)}\n`,
    'metrics.py': METRICS_PY,
    'page_run.py': PAGE_RUN_PY,
  };
  if ('pools' in o.data) files[HELD_OUT_FILE] = writeSafetensors({ ...pool(o.data.pools.val, 'val'), ...pool(o.data.pools.test, 'test') });
  if (cp.best) {
    const best = cp.best.weights;
    pageNames(best, o.student.weights, 'best student');
    files[PAGE_BEST_FILE] = writeSafetensors(Object.fromEntries(best.map((a, i) => [String(i), { dtype: 'F32', shape: [...a.shape], data: a.data }])));
  }
  return files;
}
