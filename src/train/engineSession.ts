// What the worker holds between commands (data, teacher, tokens, student) and the two stage
// loops with their progress, snapshots, pause/stop and non-finite handling. No DOM: the worker
// passes `post`, so the loops can also run in Node.
import * as tf from '@tensorflow/tfjs';
import type { DigitPools } from '../data/digits';
import { generateScene, type Scene, type SceneConfig } from '../data/scenes';
import { createMethod, type MethodName } from '../maskd/methods';
import { ReceptiveTokens } from '../maskd/tokens';
import { TokenWeightBranch } from '../maskd/tokenWeights';
import { buildAlign } from '../models/align';
import { buildStudent, TAP_LAYER, type Task } from '../models/nets';
import { splitAtLayer, type SplitModel } from '../models/split';
import { modelToArtifacts } from './artifacts';
import { loadShippedTokens, loadTeacher, modelCard } from './demoModels';
import { parseDataset } from '../data/custom/parse';
import type { ImageDecoder } from '../data/custom/types';
import { customSource, digitSource, type DataSource } from './dataSource';
import { datasetSummary } from './datasetSummary';
import { trainTeacherOn } from './customTeacher';
import { Distiller } from './distillStage';
import { MaskLearner } from './maskStage';
import type {
  CompareConfig,
  CompareRow,
  DemoLoaded,
  DistillConfig,
  DatasetFileData,
  DatasetSummary,
  DistillResult,
  EngineEvent,
  LoadDatasetOptions,
  LoadDemoOptions,
  MaskStageConfig,
  MasksResult,
  ModelArtifactsData,
  RunProgress,
  SetTokensRequest,
  StudentExport,
  TokensFile,
  TrainTeacherRequest,
  TokensSet,
} from './protocol';
import { RunControl } from './runControl';
import { reseedKernels } from './seededInit';
import { maskSnapshot, snapshotTransfer } from './snapshot';
import { NonFiniteStepError } from './stageCommon';
import { taskAdapter } from './tasks';
import { ProgressThrottle } from './throttle';

export type Post = (event: EngineEvent, transfer?: Transferable[]) => void;

export const VAL_SEED = 20230501;
export const PREVIEW_SEED = 4242;
export const PREVIEW_COUNT = 4;
const DEFAULT_VAL_COUNT = 64;

interface Demo {
  readonly task: Task;
  readonly inputShape: readonly [number, number, number];
  readonly source: DataSource;
  readonly teacher: tf.LayersModel;
  readonly teacherSplit: SplitModel;
  readonly previews: readonly Scene[];
  tokens: ReceptiveTokens | null;
  branch: TokenWeightBranch | null;
  student: tf.LayersModel;
  bestStudent: tf.Tensor[] | null;
  /** The align module trained with `student` (by `distill`), as artifacts for export. */
  align?: ModelArtifactsData;
}

/** Scene settings scaled to the input side (digits 14–28 px at 64). */
export function sceneForSize(size: number): Partial<SceneConfig> {
  if (size === 64) return {};
  return { height: size, width: size, minSize: Math.max(6, Math.round((14 * size) / 64)), maxSize: Math.max(8, Math.round((28 * size) / 64)) };
}

/** Running mean of step time, for ms/step and the ETA. */
class StepTimer {
  private sum = 0;
  private n = 0;
  add(ms: number): void {
    this.sum += ms;
    this.n++;
  }
  get mean(): number {
    return this.n ? this.sum / this.n : 0;
  }
}

export class EngineSession {
  pools: DigitPools | null = null;
  /** Decoder for non-PNG dataset images (the worker sets the browser's). */
  decodeImage: ImageDecoder | undefined;
  readonly control: RunControl;
  private demo: Demo | null = null;
  /** The last dataset that loaded without errors (a failed load keeps it). */
  private custom: DataSource | null = null;

  constructor(private readonly post: Post) {
    this.control = new RunControl((info) => post({ type: 'pauseState', info }));
  }

  private requireDemo(): Demo {
    if (!this.demo) throw new Error('no models are loaded: load the demo first');
    return this.demo;
  }

  private requirePools(): DigitPools {
    if (!this.pools) throw new Error('the engine has no data yet: send init first');
    return this.pools;
  }

  async loadDemo(task: Task, base: string, options: LoadDemoOptions = {}): Promise<DemoLoaded> {
    const pools = this.requirePools();
    const size = options.inputSize ?? 64;
    if (!Number.isInteger(size) || size < 8 || size % 4 !== 0) throw new Error(`input size must be a multiple of 4, at least 8; got ${size}`);
    const inputShape = [size, size, 3] as const;
    const warnings: string[] = [];
    const loaded = await loadTeacher(base, task, inputShape, warnings);
    const teacherSplit = splitAtLayer(loaded.model, TAP_LAYER);
    const shipped = loaded.shipped ? await loadShippedTokens(base, task, teacherSplit.tapShape[2], warnings) : null;
    const student = buildStudent(task, { inputShape });
    reseedKernels(student, options.seed ?? 1);
    const source = digitSource(pools, task, sceneForSize(size), size, { valSeed: VAL_SEED, previewSeed: PREVIEW_SEED, previewCount: PREVIEW_COUNT });
    this.disposeDemo();
    this.demo = {
      task,
      inputShape,
      source,
      teacher: loaded.model,
      teacherSplit,
      previews: source.previews(),
      tokens: shipped?.tokens ?? null,
      branch: shipped?.branch ?? null,
      student,
      bestStudent: null,
    };
    for (const w of warnings) this.post({ type: 'warning', message: w });
    const studentSplit = splitAtLayer(student, TAP_LAYER);
    return {
      teacher: modelCard(loaded.model, teacherSplit, 'teacher', loaded.shipped ? `builtin:${task}-teacher` : `fresh:${task}-teacher`, loaded.metric),
      student: modelCard(student, studentSplit, 'student', `fresh:${task}-student`),
      tokens: shipped ? { numTokens: shipped.tokens.numTokens, channels: shipped.tokens.channels, tokenWeights: shipped.branch !== null } : null,
      warnings,
    };
  }

  async learnMasks(id: number, config: MaskStageConfig): Promise<MasksResult> {
    const demo = this.requireDemo();
    const learner = new MaskLearner({
      teacher: demo.teacherSplit,
      adapter: taskAdapter(demo.task, demo.source.numClasses),
      scenes: (k) => demo.source.trainBatch(config.seed, k, config.batchSize),
      config,
    });
    // The new tokens replace the old ones now, so a snapshot while paused shows them.
    demo.tokens?.dispose();
    demo.branch?.dispose();
    demo.tokens = learner.tokens;
    demo.branch = learner.branch;
    const progress = new ProgressThrottle(250);
    const snapshots = new ProgressThrottle(1000);
    const timer = new StepTimer();
    let collapseWarned = false;
    this.control.begin();
    try {
      await this.sendSnapshot(id, 0, 'masks');
      while (learner.step < config.steps && (await this.control.gate())) {
        const report = await this.guardedStep(learner, timer);
        if (!report) continue;
        // Tokens start near zero, so every mask starts at ~0.5 (Dice ≈ 1): judge collapse only
        // after a warm-up of 10% of the run (at least 20 steps, at most the whole run).
        const judged = report.step >= Math.min(config.steps, Math.max(20, Math.round(0.1 * config.steps)));
        if (report.collapse && judged && !collapseWarned) {
          collapseWarned = true;
          this.post({ type: 'warning', message: `mask collapse at step ${report.step}: ${report.collapse}` });
        }
        const last = report.step === config.steps;
        if (progress.ready() || last || this.control.isPaused) {
          this.sendProgress(id, {
            runId: id,
            stage: 'masks',
            step: report.step,
            total: config.steps,
            losses: report.losses,
            msPerStep: timer.mean,
            etaMs: timer.mean * (config.steps - report.step),
            numTensors: tf.memory().numTensors,
            tokenAreas: report.tokenAreas,
            tokenWeights: report.tokenWeights,
          });
        }
        if (snapshots.ready() || last || this.control.isPaused) await this.sendSnapshot(id, report.step, 'masks');
      }
      return { step: learner.step, stopped: learner.step < config.steps };
    } finally {
      learner.dispose();
    }
  }

  async distill(id: number, config: DistillConfig): Promise<DistillResult> {
    const demo = this.requireDemo();
    const { row, student, best, align } = await this.runDistill(id, config.method, config.params, config);
    demo.align = align;
    demo.student.dispose();
    demo.student = student;
    if (demo.bestStudent) tf.dispose(demo.bestStudent);
    demo.bestStudent = best;
    return { step: row.steps, metric: row.metric, metricName: row.metricName, stopped: row.steps < config.steps };
  }

  async compare(id: number, methods: readonly MethodName[], config: CompareConfig): Promise<CompareRow[]> {
    const rows: CompareRow[] = [];
    for (const method of methods) {
      const { row, student, best } = await this.runDistill(id, method, config.params?.[method] ?? {}, config);
      student.dispose();
      if (best) tf.dispose(best);
      rows.push(row);
      this.post({ type: 'compareRow', id, row });
      if (this.control.stopped) break;
    }
    return rows;
  }

  async snapshot(id: number): Promise<void> {
    const demo = this.requireDemo();
    if (!demo.tokens) throw new Error('there are no receptive tokens yet: run mask learning or load shipped tokens');
    await this.sendSnapshot(id, this.control.step, 'masks');
  }

  /** The current tokens (+ branch) as the shipped-file format, with `meta` for the record. */
  async exportTokens(meta: Readonly<Record<string, unknown>> = {}): Promise<TokensFile> {
    const demo = this.requireDemo();
    if (!demo.tokens) throw new Error('there are no receptive tokens to export: run mask learning first');
    const tokens = await demo.tokens.serialize();
    const branch = demo.branch ? await demo.branch.serialize() : undefined;
    return { version: 1, task: demo.task, tokens, ...(branch ? { branch } : {}), meta };
  }

  /** Parses dropped files into the custom dataset; on any problem it throws and keeps the previous one. */
  async loadDataset(files: readonly DatasetFileData[], options: LoadDatasetOptions = {}): Promise<DatasetSummary> {
    const dataset = await parseDataset(files, { ...options, decodeImage: this.decodeImage });
    this.custom = customSource(dataset);
    return datasetSummary(dataset, files.length);
  }

  /** The loaded custom dataset as a source, or null. */
  get customData(): DataSource | null {
    return this.custom;
  }

  /** Trains a fresh teacher on the custom dataset; it becomes the session's teacher (fresh student, no tokens). */
  async trainDatasetTeacher(id: number, req: TrainTeacherRequest): Promise<EngineEvent> {
    const source = this.custom;
    if (!source) throw new Error('no dataset is loaded: drop a dataset folder first');
    const run = await trainTeacherOn(id, source, req, this.control, this.post);
    const loaded = this.adoptTeacher(run.model, source, `dataset:${source.task}-teacher`, { name: run.metricName, value: run.metric }, req.seed);
    return { type: 'teacherDone', id, artifacts: run.artifacts, optimizer: run.optimizer, step: run.step, metric: run.metric, stopped: run.stopped, loaded };
  }

  /** Makes `teacher` (trained on `source`) the session's teacher, with a fresh seeded student and no tokens. */
  adoptTeacher(teacher: tf.LayersModel, source: DataSource, label: string, metric?: { name: string; value: number }, seed = 1): DemoLoaded {
    const teacherSplit = splitAtLayer(teacher, TAP_LAYER);
    const student = buildStudent(source.task, { inputShape: source.inputShape, numClasses: source.numClasses });
    reseedKernels(student, seed);
    this.disposeDemo();
    this.demo = {
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
    };
    const studentSplit = splitAtLayer(student, TAP_LAYER);
    return {
      teacher: modelCard(teacher, teacherSplit, 'teacher', label, metric),
      student: modelCard(student, studentSplit, 'student', `fresh:${source.task}-student`),
      tokens: null,
      warnings: [],
    };
  }

  dispose(): void {
    this.disposeDemo();
  }

  /** Replaces the tokens (+ branch) with imported ones, checked against the teacher; optionally the preview scenes. */
  async setTokens(request: SetTokensRequest): Promise<TokensSet> {
    const demo = this.requireDemo();
    const channels = demo.teacherSplit.tapShape[2];
    const [numTokens, width] = request.tokens.shape;
    if (width !== channels) {
      throw new Error(`these tokens are C = ${width} wide but the ${demo.task} teacher's feature at the tap layer has ${channels} channels; they belong to another teacher`);
    }
    const seeds = request.previewSeeds;
    if (seeds && (seeds.length === 0 || seeds.length > 16 || !seeds.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff))) {
      throw new Error('preview seeds must be 1–16 integers in [0, 2^32)');
    }
    // Seeds name digit scenes; a custom dataset keeps its own previews.
    if (seeds && demo.source.kind !== 'digits') throw new Error('preview scenes by seed exist only for the digit demos; load the demo first');
    const tokens = ReceptiveTokens.deserialize(request.tokens);
    let branch: TokenWeightBranch | null = null;
    try {
      if (request.branch) {
        branch = TokenWeightBranch.deserialize(request.branch);
        if (branch.channels !== channels || branch.numTokens !== numTokens) {
          throw new Error(`the token-weight branch is C = ${branch.channels}, T = ${branch.numTokens}, but the tokens are C = ${channels}, T = ${numTokens}`);
        }
      }
    } catch (err) {
      tokens.dispose();
      branch?.dispose();
      throw err;
    }
    demo.tokens?.dispose();
    demo.branch?.dispose();
    demo.tokens = tokens;
    demo.branch = branch;
    if (seeds) {
      const pools = this.requirePools();
      this.demo = { ...demo, previews: seeds.map((s) => generateScene(pools.val, s, sceneForSize(demo.inputShape[0]))) };
    }
    return { numTokens, channels, tokenWeights: branch !== null };
  }

  /** The current student and the align module trained with it, as tfjs model artifacts. */
  async exportStudent(): Promise<StudentExport> {
    const demo = this.requireDemo();
    return { task: demo.task, student: await modelToArtifacts(demo.student), align: demo.align ?? null, tapLayer: TAP_LAYER };
  }

  /** One stage-2 run from a student seeded with `config.seed` (same init for every method). */
  private async runDistill(
    id: number,
    method: MethodName,
    params: Readonly<Record<string, number | boolean>>,
    config: Omit<DistillConfig, 'method' | 'params'>,
  ): Promise<{ row: CompareRow & { steps: number }; student: tf.LayersModel; best: tf.Tensor[] | null; align: ModelArtifactsData }> {
    const demo = this.requireDemo();
    const adapter = taskAdapter(demo.task, demo.source.numClasses);
    const student = buildStudent(demo.task, { inputShape: demo.inputShape, numClasses: demo.source.numClasses });
    reseedKernels(student, config.seed);
    const studentTap = splitAtLayer(student, TAP_LAYER).tapShape;
    const teacherTap = demo.teacherSplit.tapShape;
    const align = buildAlign([studentTap[0], studentTap[1], studentTap[2]], [teacherTap[0], teacherTap[1], teacherTap[2]]);
    reseedKernels(align, config.seed + 1);
    let distiller: Distiller;
    try {
      distiller = new Distiller({
        teacher: demo.teacherSplit,
        student,
        align,
        adapter,
        method: createMethod(method, params),
        scenes: (k) => demo.source.trainBatch(config.seed, k, config.batchSize),
        steps: config.steps,
        lr: config.lr,
        tokens: demo.tokens,
        branch: demo.branch,
      });
    } catch (err) {
      student.dispose();
      align.dispose();
      throw err;
    }
    const val = demo.source.valSet(config.valCount ?? DEFAULT_VAL_COUNT);
    const progress = new ProgressThrottle(250);
    const timer = new StepTimer();
    const curve: [number, number][] = [];
    let finalLoss = NaN;
    this.control.begin();
    try {
      if (demo.tokens && method === 'maskd') await this.sendSnapshot(id, 0, 'distill');
      while (distiller.step < config.steps && (await this.control.gate())) {
        const report = await this.guardedStep(distiller, timer);
        if (!report) continue;
        finalLoss = report.losses.total;
        const last = report.step === config.steps;
        let metric: RunProgress['metric'];
        if (report.step % config.evalEvery === 0 || last) {
          const m = await distiller.evaluate(val);
          curve.push([report.step, m.primary]);
          metric = { name: adapter.metricName, value: m.primary };
        }
        if (metric || progress.ready() || last || this.control.isPaused) {
          this.sendProgress(id, {
            runId: id,
            stage: 'distill',
            method,
            step: report.step,
            total: config.steps,
            losses: report.losses,
            msPerStep: timer.mean,
            etaMs: timer.mean * (config.steps - report.step),
            numTensors: tf.memory().numTensors,
            metric,
          });
        }
      }
      const best = distiller.bestStudentWeights();
      const alignArtifacts = await modelToArtifacts(align);
      return {
        row: {
          method,
          metric: Number.isFinite(distiller.bestMetric) ? distiller.bestMetric : NaN,
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
      student.dispose();
      throw err;
    } finally {
      distiller.dispose();
    }
  }

  /** One timed step; a non-finite one is reported, pauses the run and yields null. */
  private async guardedStep<R extends { step: number }>(
    trainer: { trainStep(): Promise<R> },
    timer: StepTimer,
  ): Promise<R | null> {
    const t0 = performance.now();
    try {
      const report = await trainer.trainStep();
      timer.add(performance.now() - t0);
      this.control.step = report.step;
      return report;
    } catch (err) {
      if (!(err instanceof NonFiniteStepError)) throw err;
      this.nonFinite(err);
      return null;
    }
  }

  private nonFinite(err: NonFiniteStepError): void {
    this.post({ type: 'warning', message: err.message });
    this.control.pause(err.message);
  }

  private sendProgress(id: number, progress: RunProgress): void {
    this.post({ type: 'runProgress', id, progress });
  }

  private async sendSnapshot(id: number, step: number, stage: 'masks' | 'distill'): Promise<void> {
    const demo = this.requireDemo();
    if (!demo.tokens) return;
    const snapshot = await maskSnapshot(demo.teacherSplit.backbone, demo.tokens, demo.branch, demo.previews, step, stage);
    this.post({ type: 'snapshot', id, snapshot }, snapshotTransfer(snapshot));
  }

  private disposeDemo(): void {
    const d = this.demo;
    if (!d) return;
    d.teacher.dispose();
    d.student.dispose();
    d.tokens?.dispose();
    d.branch?.dispose();
    if (d.bestStudent) tf.dispose(d.bestStudent);
    this.demo = null;
  }
}
