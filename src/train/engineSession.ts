// What the worker holds between commands (data, teacher, tokens, student) and the two stage
// loops with their progress, snapshots, pause/stop and non-finite handling. No DOM: the worker
// passes `post`, so the loops can also run in Node.
import * as tf from '@tensorflow/tfjs';
import { sceneBatch } from '../data/batches';
import type { DigitPools } from '../data/digits';
import type { Scene, SceneConfig } from '../data/scenes';
import { createMethod, customMaskActive, type MaskdParams, type MethodName } from '../maskd/methods';
import type { ReceptiveTokens } from '../maskd/tokens';
import type { TokenWeightBranch } from '../maskd/tokenWeights';
import { buildAlign } from '../models/align';
import { buildStudent, TAP_LAYER, type Task } from '../models/nets';
import { splitAtLayer, type SplitModel } from '../models/split';
import { loadShippedTokens, loadTeacher, modelCard } from './demoModels';
import { Distiller } from './distillStage';
import { MaskLearner } from './maskStage';
import type {
  CompareConfig,
  CompareRow,
  DemoLoaded,
  DistillConfig,
  DistillResult,
  EngineEvent,
  LoadDemoOptions,
  MaskStageConfig,
  MasksResult,
  RunProgress,
  TokensFile,
} from './protocol';
import { RunControl } from './runControl';
import { reseedKernels } from './seededInit';
import { maskSnapshot, snapshotTransfer, type StudentView } from './snapshot';
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
  readonly scene: Partial<SceneConfig>;
  readonly teacher: tf.LayersModel;
  readonly teacherSplit: SplitModel;
  readonly previews: readonly Scene[];
  tokens: ReceptiveTokens | null;
  branch: TokenWeightBranch | null;
  student: tf.LayersModel;
  bestStudent: tf.Tensor[] | null;
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
  readonly control: RunControl;
  private demo: Demo | null = null;

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
    const scene = sceneForSize(size);
    this.disposeDemo();
    this.demo = {
      task,
      inputShape,
      scene,
      teacher: loaded.model,
      teacherSplit,
      previews: sceneBatch(pools.val, PREVIEW_SEED, 0, PREVIEW_COUNT, scene),
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
    const pools = this.requirePools();
    const learner = new MaskLearner({
      teacher: demo.teacherSplit,
      adapter: taskAdapter(demo.task),
      scenes: (k) => sceneBatch(pools.train, config.seed, k, config.batchSize, demo.scene),
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
    const { row, student, best } = await this.runDistill(id, config.method, config.params, config);
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

  dispose(): void {
    this.disposeDemo();
  }

  /** One stage-2 run from a student seeded with `config.seed` (same init for every method). */
  private async runDistill(
    id: number,
    method: MethodName,
    params: Readonly<Record<string, number | boolean>>,
    config: Omit<DistillConfig, 'method' | 'params'>,
  ): Promise<{ row: CompareRow & { steps: number }; student: tf.LayersModel; best: tf.Tensor[] | null }> {
    const demo = this.requireDemo();
    const pools = this.requirePools();
    const adapter = taskAdapter(demo.task);
    const student = buildStudent(demo.task, { inputShape: demo.inputShape });
    reseedKernels(student, config.seed);
    const studentTap = splitAtLayer(student, TAP_LAYER).tapShape;
    const teacherTap = demo.teacherSplit.tapShape;
    const align = buildAlign([studentTap[0], studentTap[1], studentTap[2]], [teacherTap[0], teacherTap[1], teacherTap[2]]);
    reseedKernels(align, config.seed + 1);
    let distiller: Distiller;
    const distillMethod = createMethod(method, params);
    try {
      distiller = new Distiller({
        teacher: demo.teacherSplit,
        student,
        align,
        adapter,
        method: distillMethod,
        scenes: (k) => sceneBatch(pools.train, config.seed, k, config.batchSize, demo.scene),
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
    const val = sceneBatch(pools.val, VAL_SEED, 0, config.valCount ?? DEFAULT_VAL_COUNT, demo.scene);
    const progress = new ProgressThrottle(250);
    const snapshots = new ProgressThrottle(1000);
    const timer = new StepTimer();
    const curve: [number, number][] = [];
    // MasKD: the teacher's masks and the student's under the same tokens, as the run goes.
    const studentView = (step: number): StudentView => ({
      backbone: distiller.studentBackbone,
      align: distiller.align,
      customMask: customMaskActive(distillMethod.params as MaskdParams, step),
    });
    let finalLoss = NaN;
    this.control.begin();
    try {
      if (demo.tokens && method === 'maskd') await this.sendSnapshot(id, 0, 'distill', studentView(0));
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
        if (demo.tokens && method === 'maskd' && (snapshots.ready() || last || this.control.isPaused)) {
          await this.sendSnapshot(id, report.step, 'distill', studentView(report.step));
        }
      }
      const best = distiller.bestStudentWeights();
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

  private async sendSnapshot(id: number, step: number, stage: 'masks' | 'distill', student?: StudentView): Promise<void> {
    const demo = this.requireDemo();
    if (!demo.tokens) return;
    const snapshot = await maskSnapshot(demo.teacherSplit.backbone, demo.tokens, demo.branch, demo.previews, step, stage, {
      task: demo.task,
      student,
    });
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
