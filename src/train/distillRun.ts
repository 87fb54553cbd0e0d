// One stage-2 run: a fresh seeded student (and align module) distilled from the demo's teacher
// with one method, evaluated as it goes, checkpointed when asked, resumable from a checkpoint.
import * as tf from '@tensorflow/tfjs';
import { createMethod, customMaskActive, customMaskStart, upgradeMaskdParams, type MaskdParams, type MethodName } from '../maskd/methods';
import { buildAlign } from '../models/align';
import { disposeModel } from '../models/disposeModel';
import { buildMimicStudent } from '../models/mimicStudent';
import { buildStudent, TAP_LAYER } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { modelToArtifacts } from './artifacts';
import type { Checkpoint, CompareProgress } from '../engine/checkpoint';
import { DEFAULT_VAL_COUNT } from './demo';
import { Distiller } from './distillStage';
import { loadOptimizerState } from './optimizerState';
import type { ModelArtifactsData } from '../engine/artifacts';
import type { RunProgress } from '../engine/progress';
import type { DistillConfig } from '../engine/runConfigs';
import type { CompareRow } from '../engine/runResults';
import { RunProgressSender, sendProgress, sendSnapshot, stepProgress, WorkReporter, type RunContext } from './runLoop';
import { guardedStep, StepTimer } from './stepDriver';
import {
  arraysToTensors,
  branchToArrays,
  modelWeightsToArrays,
  readOptimizerState,
  setModelWeights,
  tensorToArray,
  tokensToArray,
} from './runState';
import { reseedKernels } from './seededInit';
import { applyBackbone } from '../models/studentBackbone';
import type { StudentView } from './snapshot';
import { isConsistency, stageAdapter } from './objective';
import { ProgressThrottle } from './throttle';
import { freshUserStudent } from './loadUserModels';

/** Test scenes the final student is scored on, unless the config says otherwise. */
export const DEFAULT_TEST_COUNT = 128;

/** Checkpointing (single distillation runs and each method of a comparison), resuming `from` when given. */
export interface DistillCheckpointing {
  readonly from: Checkpoint | undefined;
  readonly config: DistillConfig;
  readonly compare?: CompareProgress;
}

export interface DistillRun {
  readonly row: CompareRow & { steps: number };
  readonly student: tf.LayersModel;
  readonly best: tf.Tensor[] | null;
  readonly align: ModelArtifactsData;
}

/** One stage-2 run from a student seeded with `config.seed` (same init for every method). */
export async function runDistill(
  ctx: RunContext,
  id: number,
  method: MethodName,
  params: Readonly<Record<string, number | boolean>>,
  config: Omit<DistillConfig, 'method' | 'params'>,
  checkpointing: DistillCheckpointing | null = null,
): Promise<DistillRun> {
  const { control, checkpoints } = ctx;
  const demo = ctx.requireDemo();
  // Label-free (no labels fit the teacher): the teacher's outputs are the soft targets, the metric the agreement with them.
  const adapter = stageAdapter(demo, false, demo.microBatch);
  const work = new WorkReporter(ctx, id, 'distill', config.steps);
  if (isConsistency(adapter)) adapter.onWork = (done, total, what) => work.report(done, total, what === 'validation' ? 'validation' : 'teacher');
  const userStudent = demo.user?.student;
  const student = userStudent
    ? await freshUserStudent(userStudent)
    : demo.mimic
      ? buildMimicStudent(demo.mimic, demo.inputShape)
      : buildStudent(demo.task, { inputShape: demo.inputShape, numClasses: demo.source.numClasses });
  if (!userStudent) reseedKernels(student, config.seed);
  // The demo's init (LoadDemoOptions.studentInit): every method starts from the same pretrained backbone.
  if (!userStudent && !demo.mimic && demo.studentBackbone) applyBackbone(student, demo.studentBackbone);
  const studentTap = splitAtLayer(student, userStudent?.tap ?? TAP_LAYER).tapShape;
  const teacherTap = demo.teacherSplit.tapShape;
  const align = buildAlign([studentTap[0], studentTap[1], studentTap[2]], [teacherTap[0], teacherTap[1], teacherTap[2]]);
  reseedKernels(align, config.seed + 1);
  let distiller: Distiller;
  // A checkpoint from before the warm-up was a share carries it in steps.
  const distillMethod = createMethod(method, method === 'maskd' ? upgradeMaskdParams(params, config.steps).params : params);
  const customStart = method === 'maskd' ? customMaskStart(distillMethod.params as MaskdParams, config.steps) : null;
  try {
    distiller = new Distiller({
      teacher: demo.teacherSplit,
      student,
      studentTap: userStudent?.tap,
      align,
      adapter,
      method: distillMethod,
      scenes: (k) => demo.source.trainBatch(config.seed, k, config.batchSize),
      steps: config.steps,
      lr: config.lr,
      tokens: demo.tokens,
      branch: demo.branch,
      microBatch: demo.distillMicroBatch,
      onWork: (done, total) => work.report(done, total, 'step'),
    });
  } catch (err) {
    disposeModel(student);
    align.dispose();
    throw err;
  }
  const val = demo.source.valSet(config.valCount ?? DEFAULT_VAL_COUNT);
  const progress = new RunProgressSender((p) => {
    work.last = p;
    sendProgress(ctx, id, p);
  });
  const snapshots = new ProgressThrottle(1000);
  const timer = new StepTimer();
  const curve: [number, number][] = [];
  // MasKD: the teacher's masks and the student's under the same tokens, as the run goes.
  const studentView = (step: number): StudentView => ({
    backbone: distiller.studentBackbone,
    align: distiller.align,
    customMask: customMaskActive(distillMethod.params as MaskdParams, step, config.steps),
  });
  const showsMasks = demo.tokens !== null && method === 'maskd';
  let snapshotStep = -1;
  const snapshot = async (step: number) => {
    snapshotStep = step;
    await sendSnapshot(ctx, id, step, 'distill', studentView(step));
  };
  // Before waiting on a pause: the page gets the step it paused at (masks too), then the checkpoint.
  const onPause = async () => {
    progress.flush();
    if (showsMasks && snapshotStep !== distiller.step) await snapshot(distiller.step);
    await checkpoints.onPause();
  };
  let finalLoss = NaN;
  control.begin();
  try {
    const from = checkpointing?.from;
    if (from) restoreDistiller(distiller, student, from, curve);
    if (from) await loadOptimizerState(distiller.optimizer, from.optimizer);
    ctx.setLive({ trainer: distiller, student });
    if (checkpointing) {
      await checkpoints.begin(
        {
          kind: 'distill',
          config: checkpointing.config,
          ...(checkpointing.compare ? { compare: checkpointing.compare } : {}),
          task: demo.task,
          inputSize: demo.inputShape[0],
          ...(!userStudent && !demo.mimic ? { studentInit: demo.studentBackbone ? ('pretrained' as const) : ('fresh' as const) } : {}),
          total: config.steps,
          backend: tf.getBackend(),
        },
        () => ctx.device.guard(captureDistill(ctx, distiller, student)),
        from?.history,
      );
    }
    if (showsMasks) await snapshot(distiller.step);
    while (distiller.step < config.steps && (await control.gate(onPause))) {
      const report = await guardedStep(ctx, distiller, timer, progress);
      if (!report) continue;
      finalLoss = report.losses.total;
      const last = report.step === config.steps;
      let metric: RunProgress['metric'];
      if (report.step % config.evalEvery === 0 || last) {
        const m = await ctx.device.guard(distiller.evaluate(val));
        curve.push([report.step, m.primary]);
        metric = { name: adapter.metricName, value: m.primary };
      }
      progress.offer(
        {
          ...stepProgress(id, report.step, config.steps, report.losses, timer),
          stage: 'distill',
          method,
          metric,
          ...(customStart !== null ? { customMaskFrom: customStart + 1 } : {}),
        },
        metric !== undefined || last || control.isPaused,
      );
      await checkpoints.afterStep(report.step);
      if (showsMasks && (snapshots.ready() || last || control.isPaused)) await snapshot(report.step);
    }
    await checkpoints.end();
    // The reported number: the student as the run left it, on scenes no choice was made on.
    // Label-free, the teacher runs on every scored image: as many test scenes as validation ones unless asked.
    const test = demo.source.testSet(config.testCount ?? (isConsistency(adapter) ? (config.valCount ?? DEFAULT_TEST_COUNT) : DEFAULT_TEST_COUNT), config.testSeed);
    const final = await ctx.device.guard(distiller.score(test));
    const best = distiller.bestStudentWeights();
    const alignArtifacts = await modelToArtifacts(align);
    return {
      row: {
        method,
        seed: config.seed,
        metric: final.primary,
        scored: { split: demo.source.hasTestSplit ? 'test' : 'val', scenes: test.length },
        bestVal: Number.isFinite(distiller.bestMetric) ? { metric: distiller.bestMetric, step: distiller.bestStep } : null,
        metricName: adapter.metricName,
        finalLoss,
        msPerStep: timer.mean,
        curve,
        steps: distiller.step,
      },
      student,
      best,
      align: alignArtifacts,
    };
  } catch (err) {
    checkpoints.abandon();
    disposeModel(student);
    throw err;
  } finally {
    ctx.setLive(null);
    distiller.dispose();
  }
}

function restoreDistiller(distiller: Distiller, student: tf.LayersModel, from: Checkpoint, curve: [number, number][]): void {
  if (from.kind !== 'distill' || !from.student || !from.align) throw new Error('the checkpoint is not of a distillation run');
  setModelWeights(student, from.student, 'student');
  setModelWeights(distiller.align, from.align, 'align module');
  distiller.step = from.step;
  distiller.baseLr = from.lr;
  if (from.best) {
    const weights = arraysToTensors(from.best.weights, student.weights.map((w) => w.shape as number[]), 'best student');
    distiller.restoreBest(from.best.metric, from.best.step, weights);
  }
  for (const h of from.history) if (h.metric) curve.push([h.step, h.metric.value]);
}

async function captureDistill(ctx: RunContext, distiller: Distiller, student: tf.LayersModel) {
  const demo = ctx.requireDemo();
  const best = distiller.bestStudentWeights();
  try {
    return {
      step: distiller.step,
      lr: distiller.baseLr,
      tokens: demo.tokens ? await tokensToArray(demo.tokens) : null,
      branch: demo.branch ? await branchToArrays(demo.branch) : null,
      student: await modelWeightsToArrays(student),
      align: await modelWeightsToArrays(distiller.align),
      optimizer: await readOptimizerState(distiller.optimizer),
      best: best
        ? {
            metric: distiller.bestMetric,
            step: distiller.bestStep,
            weights: await Promise.all(best.map((t, i) => tensorToArray(student.weights[i].originalName, t))),
          }
        : null,
    };
  } finally {
    if (best) tf.dispose(best);
  }
}
