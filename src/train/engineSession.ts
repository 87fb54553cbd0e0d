// What the worker holds between commands (data, teacher, tokens, student), and one handler per
// request of the contract (EngineHandlers, src/engine/contract.ts) on it. A stage's run is in
// maskStageRun.ts / distillRun.ts / compareRun.ts, loading a demo in demoLoad.ts, moving off a
// lost device in deviceRecovery.ts. No DOM: the worker passes `post`, so it can also run in Node.
import * as tf from '@tensorflow/tfjs';
import { parseDataset } from '../data/custom/parse';
import type { ImageDecoder } from '../data/custom/types';
import type { DigitPools } from '../data/digits';
import { generateScene } from '../data/scenes';
import type { MethodName } from '../maskd/methods';
import { disposeModel } from '../models/disposeModel';
import { buildStudent, buildTeacher, TAP_LAYER, type Task } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { artifactsToModel, modelToArtifacts } from './artifacts';
import { BACKEND_PREFERENCE, type BackendName } from '../backends/init';
import type { BackendStatus } from '../backends/types';
import { checkpointInfo, validateCheckpoint, type Checkpoint, type CheckpointInfo, type CheckpointInstalled } from '../engine/checkpoint';
import type { EngineHandlers } from '../engine/contract';
import type { CheckpointSink } from './checkpointStore';
import { contentSource } from './contentHash';
import { customSource, digitSource, type DataSource } from './dataSource';
import { datasetSummary } from './datasetSummary';
import { runComparison } from './compareRun';
import { DEFAULT_VAL_COUNT, demoOnSource, demoSource, disposeDemo, installTokens, PREVIEW_COUNT, PREVIEW_SEED, replaceTokens, sceneForSize, VAL_SEED, type Demo } from './demo';
import { buildDemo, type BuiltDemo } from './demoLoad';
import { checkpointTarget, checkpointTokens, demoFitsCheckpoint, holdsOwnModels, installCheckpointInto, OWN_MODELS_FIRST, prepareInstall, type PreparedInstall } from './installCheckpoint';
import { modelCard, type FetchFunc } from './demoModels';
import { startEngineBackend } from './engineBackend';
import { NO_ENV, type EngineEnv } from './engineEnv';
import { DeviceRecovery } from './deviceRecovery';
import { DeviceWatch } from './deviceWatch';
import { runDistill } from './distillRun';
import { runMaskStage } from './maskStageRun';
import type { DatasetFileData, DatasetLoadProgress, DatasetSummary, LoadDatasetOptions } from '../engine/datasets';
import type { EvaluateResult, EvaluateTarget } from '../engine/evaluation';
import type { DemoLoaded, FloatArray, LoadDemoOptions, PytorchExport, StudentExport, StudentOnnxExport } from '../engine/models';
import { sessionBundleZip } from '../pytorch/bundleZip';
import { onnxLayersWeights } from '../onnx/layersModel';
import { writeOnnx } from '../onnx/writer';
import type { MaskSnapshot, RunState } from '../engine/progress';
import type { CompareConfig, DistillConfig, MaskStageConfig, TrainTeacherRequest } from '../engine/runConfigs';
import type { CompareRow, DistillResult, MasksResult, ResumeResult, TeacherResult } from '../engine/runResults';
import type { AutoOptions, EngineMemory } from '../engine/session';
import type { SetTokensRequest, TokenReport, TokensFile, TokensSet } from '../engine/tokens';
import type { LoadModelsRequest, ModelRole, ModelsLoaded, UserModelFiles } from '../engine/userModels';
import { copyCheckpoint, RunCheckpointer } from './runCheckpointer';
import { RunControl } from './runControl';
import { demoSnapshot, type LiveRun, type Post, type RunContext } from './runLoop';
import { runTeacherRecovering } from './teacherRun';
import { reseedKernels } from './seededInit';
import { stageAdapter } from './objective';
import { tokensForTeacher } from './tokensForTeacher';
import { DIGIT_LABELS, reportBudget, tokenReport } from './tokenReport';
import { buildUserDemo, retapDemo, type UserDemo } from './userModels';
import { probeUserModels } from './modelProbe/probeRequest';
import type { ModelProbeHost } from './modelProbe/host';
import { buildUserDemoOnDataset } from './userModelsOnDataset';
import { errorText } from '../errorText';

export { PREVIEW_COUNT, PREVIEW_SEED, sceneForSize, VAL_SEED, type Demo } from './demo';
export type { Post } from './runLoop';
export type { EngineEnv } from './engineEnv';

/** A checkpoint checked and ready to install: the demo built for it (null: the loaded one), the prepared parts, its tokens' masks. */
interface CheckpointTarget {
  readonly built: BuiltDemo | null;
  readonly prepared: PreparedInstall;
  readonly snapshot: MaskSnapshot | null;
}

export class EngineSession implements EngineHandlers {
  pools: DigitPools | null = null;
  /** Decoder for non-PNG dataset images (the worker sets the browser's). */
  decodeImage: ImageDecoder | undefined;
  /** Fetches the shipped teacher and tokens; unset, the platform's `fetch` (Node sets fileFetch.ts's). */
  fetchFunc: FetchFunc | undefined;
  readonly control: RunControl;
  private demo: Demo | null = null;
  /** The last dataset that loaded without errors (a failed load keeps it). */
  private custom: DataSource | null = null;
  /** The dataset load in progress, which cancelDatasetLoad aborts, and the latest load the page cancelled. */
  private datasetAbort: { readonly id: number | null; readonly abort: AbortController } | null = null;
  private datasetCancelledUpTo = -1;
  /** Checkpoints of the run in progress (IndexedDB in the worker; `sink` null keeps them in memory). */
  readonly checkpoints: RunCheckpointer;
  /** The webgpu device, watched for loss (armed by whoever initialises the backend). */
  readonly device = new DeviceWatch();
  private live: LiveRun | null = null;
  /** The probe checking a user's model before loadModels loads it (Cancel stops it). */
  private probe: ModelProbeHost | null = null;
  /** Test hook: how the next probe workers misbehave. */
  private probeDebug: 'crash' | 'hang' | null = null;
  private readonly runContext: RunContext;
  private readonly recovery: DeviceRecovery;
  /** Where a lost WebGPU device sends the models (set by whoever starts the backend). */
  fallbackOrder: readonly BackendName[] = BACKEND_PREFERENCE.filter((b) => b !== 'webgpu');

  constructor(
    private readonly post: Post,
    private readonly sink: CheckpointSink | null = null,
    private readonly env: EngineEnv = NO_ENV,
  ) {
    this.control = new RunControl((info) => post({ type: 'pauseState', info }));
    this.checkpoints = new RunCheckpointer(sink, (text) => post({ type: 'warning', warning: { kind: 'checkpoint', text } }));
    this.runContext = {
      post,
      control: this.control,
      checkpoints: this.checkpoints,
      device: this.device,
      requireDemo: () => this.requireDemo(),
      setLive: (live) => {
        this.live = live;
      },
    };
    this.recovery = new DeviceRecovery({
      ...this.runContext,
      idle: () => !this.live && this.demo !== null,
      fallbackOrder: () => this.fallbackOrder,
      disposeDemo: () => this.disposeDemo(),
      loadDemo: (task, base, options) => this.loadDemoAt(task, base, options),
    });
  }

  private requireDemo(): Demo {
    if (!this.demo) throw new Error('no models are loaded: load the demo first');
    return this.demo;
  }

  private requirePools(): DigitPools {
    if (!this.pools) throw new Error('the engine has no data yet: send init first');
    return this.pools;
  }

  /** Starts the backend (Auto measures, or remembers, with the env's host) and loads the digits once. */
  async init(dataUrl: string, backends?: readonly BackendName[], auto?: AutoOptions): Promise<BackendStatus> {
    // A forced order still shows the remembered figures.
    const host = this.env.calibrationHost(auto?.task ?? 'segmentation');
    const { status, fallbackOrder } = await startEngineBackend({ backends, task: auto?.task, remeasure: auto?.remeasure }, host);
    this.fallbackOrder = fallbackOrder;
    this.env.onBackendStarted?.();
    this.pools ??= await this.env.loadDigits(dataUrl);
    return status;
  }

  /** The demo of `task` from `base` (the env's app root by default); see loadDemoAt. */
  loadDemo(task: Task, options?: LoadDemoOptions, base?: string): Promise<DemoLoaded> {
    return this.loadDemoAt(task, base ?? this.env.defaultBase, options);
  }

  /**
   * Loads a demo beside the current one and only then replaces it. With `options.tokens` those
   * tokens take the shipped ones' place: checked against the new teacher and their masks drawn
   * first, so a run file of another task whose tokens do not fit changes nothing (the new models
   * are released, the current demo stays).
   */
  async loadDemoAt(task: Task, base: string, options: LoadDemoOptions = {}): Promise<DemoLoaded> {
    const { demo, loaded } = await buildDemo(this.requirePools(), task, base, options, this.fetchFunc);
    this.disposeDemo();
    this.demo = demo;
    return loaded;
  }

  /** The worker's TensorFlow.js memory now. */
  memory(): EngineMemory {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  }

  /** Stage 1; `from` resumes a checkpoint of a mask-learning run exactly (step, tokens, Adam, history). */
  async learnMasks(id: number, config: MaskStageConfig, from?: Checkpoint): Promise<MasksResult> {
    return this.recovery.run('masks', from, (ckpt) => runMaskStage(this.runContext, id, config, ckpt));
  }

  /** Stage 2; `from` resumes a checkpoint of a distillation run exactly (weights, Adam, best, history). */
  async distill(id: number, config: DistillConfig, from?: Checkpoint): Promise<DistillResult> {
    const demo = this.requireDemo();
    const { row, student, best, align } = await this.recovery.run('distill', from, (ckpt) => {
      if (ckpt?.tokens) replaceTokens(this.requireDemo(), ckpt);
      return runDistill(this.runContext, id, config.method, config.params, config, { from: ckpt, config });
    });
    demo.align = align;
    disposeModel(demo.student);
    demo.student = student;
    if (demo.bestStudent) tf.dispose(demo.bestStudent);
    demo.bestStudent = best;
    return { step: row.steps, metric: row.metric, metricName: row.metricName, stopped: row.steps < config.steps };
  }

  /** The methods one after another from the same student init, data order and budget (compareRun.ts); `from` continues one. */
  compare(id: number, methods: readonly MethodName[], config: CompareConfig, from?: Checkpoint): Promise<CompareRow[]> {
    return runComparison(this.runContext, this.recovery, id, methods, config, from);
  }

  /** The current tokens' masks on the preview scenes. */
  async snapshotMasks(): Promise<MaskSnapshot> {
    await this.recovery.inProgress;
    return demoSnapshot(this.requireDemo(), this.control.step, 'masks');
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
    const abort = new AbortController();
    const id = options.loadId ?? null;
    this.datasetAbort = { id, abort };
    if (id !== null && id <= this.datasetCancelledUpTo) abort.abort();
    try {
      const onProgress = (progress: DatasetLoadProgress) => this.post({ type: 'datasetLoad', progress });
      const dataset = await parseDataset(files, { ...options, decodeImage: this.decodeImage, signal: abort.signal, onProgress });
      this.custom = customSource(dataset);
      return datasetSummary(dataset, files.length);
    } finally {
      if (this.datasetAbort?.abort === abort) this.datasetAbort = null;
      this.post({ type: 'datasetLoad', progress: null });
    }
  }

  /** Stops dataset load `loadId` and earlier ones (its parse ends after the current image, or at once when it has not started yet). */
  cancelDatasetLoad(loadId: number): void {
    this.datasetCancelledUpTo = Math.max(this.datasetCancelledUpTo, loadId);
    const live = this.datasetAbort;
    if (live && (live.id === null || live.id <= loadId)) live.abort.abort();
  }

  /** The loaded custom dataset as a source, or null. */
  get customData(): DataSource | null {
    return this.custom;
  }

  /**
   * One teacher run: a demo net on the digit scenes (the teacher, or the student alone as the
   * no-distillation baseline), or with `source: 'custom'` a fresh teacher on the loaded dataset,
   * which then becomes the session's teacher (fresh student, no tokens).
   */
  async trainTeacher(id: number, req: TrainTeacherRequest): Promise<TeacherResult> {
    if (req.source === 'custom') {
      const source = this.custom;
      if (!source) throw new Error('no dataset is loaded: drop a dataset folder first');
      if (!source.labelled) throw new Error('the dataset has images only, no labels to train a teacher on: load your own teacher for it (its own outputs are the targets)');
      const fresh = async () => {
        const net = buildTeacher(source.task, { inputShape: source.inputShape, numClasses: source.numClasses });
        reseedKernels(net, req.seed);
        return net;
      };
      const { run: done, model } = await runTeacherRecovering(this.runContext, this.recovery, id, req, source, fresh);
      try {
        const { metricName, ...run } = done;
        const label = await contentSource(`dataset:${source.task}-teacher`, new Uint8Array(run.artifacts.weightData));
        return { ...run, loaded: this.adoptTeacher(model, source, label, { name: metricName, value: run.metric }, req.seed) };
      } catch (err) {
        disposeModel(model);
        throw err;
      }
    }
    const source = digitSource(this.requirePools(), req.task, {}, 64, { valSeed: req.valSeed, previewSeed: PREVIEW_SEED, previewCount: PREVIEW_COUNT });
    const build = async () => {
      if (req.initial) return artifactsToModel(req.initial);
      const net = (req.model === 'student' ? buildStudent : buildTeacher)(req.task);
      reseedKernels(net, req.seed);
      return net;
    };
    const { run: done, model } = await runTeacherRecovering(this.runContext, this.recovery, id, req, source, build);
    disposeModel(model);
    const { metricName: _name, ...run } = done;
    return run;
  }

  /** Makes `teacher` (trained on `source`) the session's teacher, with a fresh seeded student and no tokens. */
  adoptTeacher(teacher: tf.LayersModel, source: DataSource, label: string, metric?: { name: string; value: number }, seed = 1): DemoLoaded {
    const teacherSplit = splitAtLayer(teacher, TAP_LAYER);
    const student = buildStudent(source.task, { inputShape: source.inputShape, numClasses: source.numClasses });
    reseedKernels(student, seed);
    this.disposeDemo();
    this.demo = demoOnSource(source, teacher, teacherSplit, student);
    const studentSplit = splitAtLayer(student, TAP_LAYER);
    return {
      teacher: modelCard(teacher, teacherSplit, 'teacher', label, metric),
      student: modelCard(student, studentSplit, 'student', `fresh:${source.task}-student`),
      tokens: null,
      warnings: [],
      snapshot: null,
    };
  }

  /**
   * What each token attends to over the validation scenes (src/train/tokenReport.ts; never the
   * test scenes: the report chooses recipes and tokens); per-class figures need pixel labels.
   */
  async tokenReport(count?: number): Promise<TokenReport> {
    await this.recovery.inProgress;
    const demo = this.requireDemo();
    if (!demo.tokens) throw new Error('there are no receptive tokens yet: learn masks or load tokens first');
    if (this.live && !this.control.isPaused) throw new Error('a run is training: pause it before measuring the tokens');
    const source = demo.source;
    const labels =
      source.kind === 'digits' ? DIGIT_LABELS : source.task === 'segmentation' ? ['background', ...Array.from({ length: source.numClasses - 1 }, (_, k) => `class ${k + 1}`)] : [];
    const budget = reportBudget(demo.inputShape[0]);
    const scenes = source.valSet(count ?? budget.scenes, VAL_SEED);
    return this.device.guard(tokenReport(demo.teacherSplit.backbone, demo.tokens, scenes, 'val', labels, budget.batch, demo.branch));
  }

  /** Validation metric of the current student and/or the teacher on the fixed validation scenes. */
  async evaluate(target: EvaluateTarget = 'both', valCount = DEFAULT_VAL_COUNT): Promise<EvaluateResult> {
    await this.recovery.inProgress;
    const demo = this.requireDemo();
    if (this.live && !this.control.isPaused) throw new Error('a run is training: pause it before evaluating');
    const adapter = stageAdapter(demo, false);
    const val = demo.source.valSet(valCount, VAL_SEED);
    const score = async (model: tf.LayersModel) => {
      const m = await this.device.guard(adapter.evaluate((x) => model.predict(x) as tf.Tensor4D, val, 8));
      return { name: adapter.metricName, value: m.primary, extra: m.extra };
    };
    const student = this.live?.student ?? demo.student;
    return {
      valCount,
      ...(target !== 'teacher' ? { student: await score(student) } : {}),
      ...(target !== 'student' ? { teacher: await score(demo.teacher) } : {}),
    };
  }

  /**
   * The run's state as a checkpoint (a copy, safe to transfer): taken after the current step
   * while a run trains; the one taken at the pause (or the end) otherwise.
   */
  async exportState(): Promise<Checkpoint> {
    if (this.checkpoints.running && !this.control.isPaused) return this.checkpoints.nextCheckpoint();
    const last = this.checkpoints.last;
    if (!last) throw new Error('there is no training state to export yet: run a stage first');
    return copyCheckpoint(last);
  }

  /** Sets the base learning rate of the run in progress (e.g. lower, after a non-finite pause). */
  setLearningRate(lr: number): void {
    if (!(Number.isFinite(lr) && lr >= 0)) throw new Error(`the learning rate must be a finite number ≥ 0, got ${lr}`);
    if (!this.live) throw new Error('no run is in progress: the learning rate is set in the stage settings');
    this.live.trainer.baseLr = lr;
  }

  pause(): void {
    this.control.pause();
  }

  resume(): void {
    this.control.resume();
  }

  stepOnce(): void {
    this.control.stepOnce();
  }

  stop(): void {
    this.control.stop();
  }

  runState(): RunState {
    return { running: this.live !== null, paused: this.control.isPaused, step: this.control.step };
  }

  /** The student's first output on `input` (NHWC), in evaluation mode, read asynchronously (WebGPU-safe). */
  async studentOutput(input: FloatArray): Promise<FloatArray> {
    const demo = this.requireDemo();
    const x = tf.tensor(input.data, [...input.shape], 'float32');
    let y: tf.Tensor | tf.Tensor[] | null = null;
    try {
      y = demo.student.predict(x);
      const first = Array.isArray(y) ? y[0] : y;
      return { data: Float32Array.from((await first.data()) as Float32Array), shape: first.shape };
    } finally {
      tf.dispose([x, ...(y === null ? [] : Array.isArray(y) ? y : [y])]);
    }
  }

  /** Test hook: the next step's task loss becomes NaN inside the graph (the real non-finite path). */
  debugInjectNonFinite(): void {
    if (!this.live) throw new Error('no run is in progress to inject a non-finite loss into');
    this.live.trainer.poisonNext = true;
  }

  /** Test hook: destroys the webgpu device, as a driver reset would. */
  debugLoseDevice(): void {
    if (!this.device.destroy()) throw new Error(`the backend is ${tf.getBackend()}, not webgpu: there is no device to lose`);
  }

  /** The stored checkpoint, summarised; an unreadable one is discarded with a warning. */
  async findCheckpoint(): Promise<CheckpointInfo | null> {
    if (!this.sink) return null;
    try {
      const c = await this.sink.load();
      return c ? checkpointInfo(c) : null;
    } catch (err) {
      await this.sink.clear().catch(() => {});
      this.post({ type: 'warning', warning: { kind: 'checkpoint', text: `a stored checkpoint could not be read and was discarded (${errorText(err)})` } });
      return null;
    }
  }

  async discardCheckpoint(): Promise<void> {
    await this.checkpoints.clearStored();
  }

  /** Continues the stored run: loads its demo if another one is loaded, then its stage from its step. */
  async resumeCheckpoint(id: number, base: string = this.env.defaultBase): Promise<ResumeResult> {
    const stored = this.sink ? await this.sink.load() : null;
    if (!stored) throw new Error('there is no stored checkpoint to resume');
    const from = validateCheckpoint(stored);
    const demo = this.demo;
    // The run's students start as they did (a checkpoint without studentInit: whatever the demo has).
    const initDiffers = from.studentInit !== undefined && demo !== null && (demo.studentBackbone ? 'pretrained' : 'fresh') !== from.studentInit;
    if (!demo || demo.task !== from.task || demo.inputShape[0] !== from.inputSize || initDiffers) {
      await this.loadDemoAt(from.task, base, { inputSize: from.inputSize, ...(from.studentInit ? { studentInit: from.studentInit } : {}) });
    }
    if (from.kind === 'masks') return { kind: 'masks', result: await this.learnMasks(id, from.config, from) };
    if (from.compare) {
      const { method: _method, params: _params, ...budget } = from.config;
      const config: CompareConfig = {
        ...budget,
        ...(from.compare.params ? { params: from.compare.params } : {}),
        ...(from.compare.seeds ? { seeds: from.compare.seeds } : {}),
      };
      return { kind: 'compare', rows: await this.compare(id, from.compare.methods, config, from) };
    }
    return { kind: 'distill', result: await this.distill(id, from.config, from) };
  }

  /**
   * A stage-2 checkpoint from a run file becomes the session's last one (what Export and
   * distillFurther start from), its student and tokens the demo's. Checked first against the demo
   * (the loaded one when it fits: the user's own models and dataset are checked in place; another
   * built-in task, size or student init: that demo built beside the current one, with the
   * checkpoint's tokens): a refusal says why and leaves the session as it was.
   */
  async installCheckpoint(checkpoint: Checkpoint, base: string = this.env.defaultBase): Promise<CheckpointInstalled> {
    if (this.live) throw new Error('a run is in progress: stop it before opening a run with a checkpoint');
    const c = validateCheckpoint(checkpoint);
    if (c.kind !== 'distill') throw new Error('the checkpoint is not of a distillation run');
    const current = this.demo;
    const inPlace = demoFitsCheckpoint(current, c);
    let ready: CheckpointTarget;
    try {
      ready = await this.readyCheckpoint(c, inPlace, base);
    } catch (err) {
      // A built-in student beside the user's teacher or dataset did not fit: the run may be the plain demo's.
      if (!(inPlace && c.studentInit !== undefined && holdsOwnModels(current))) throw err;
      ready = await this.readyCheckpoint(c, false, base).catch(() => Promise.reject(err));
    }
    const { built, prepared, snapshot } = ready;
    if (built) {
      this.disposeDemo();
      this.demo = built.demo;
    }
    const demo = this.requireDemo();
    await installCheckpointInto(demo, c, prepared);
    this.checkpoints.last = c;
    const tokens = prepared.tokens && snapshot ? { numTokens: prepared.tokens.tokens.numTokens, channels: prepared.tokens.tokens.channels, tokenWeights: prepared.tokens.branch !== null, snapshot } : null;
    return { loaded: built?.loaded ?? null, tokens, info: checkpointInfo(c) };
  }

  /**
   * Checks `c` against the loaded demo (`inPlace`) or its own demo built beside it, and prepares
   * the install; nothing of the session changes. Throws saying what it was checked against, with
   * whatever it built released.
   */
  private async readyCheckpoint(c: Checkpoint, inPlace: boolean, base: string): Promise<CheckpointTarget> {
    let built: BuiltDemo | null = null;
    try {
      if (!inPlace) {
        const tokens = checkpointTokens(c);
        built = await buildDemo(this.requirePools(), c.task, base, { inputSize: c.inputSize, ...(c.studentInit ? { studentInit: c.studentInit } : {}), ...(tokens ? { tokens } : {}) }, this.fetchFunc);
      }
      const target = built?.demo ?? this.requireDemo();
      const prepared = prepareInstall(target, c, inPlace);
      let snapshot: MaskSnapshot | null = null;
      if (prepared.tokens) {
        try {
          snapshot = await demoSnapshot({ ...target, tokens: prepared.tokens.tokens, branch: prepared.tokens.branch }, c.step, 'masks');
        } catch (err) {
          prepared.tokens.tokens.dispose();
          prepared.tokens.branch?.dispose();
          disposeModel(prepared.align);
          throw err;
        }
      }
      return { built, prepared, snapshot };
    } catch (err) {
      if (built) disposeDemo(built.demo);
      // No studentInit: the run's student was the user's own (or one made for a label-free teacher).
      const hint = inPlace || c.studentInit !== undefined ? '' : `. ${OWN_MODELS_FIRST}`;
      throw new Error(`the checkpoint does not fit ${inPlace ? checkpointTarget(this.requireDemo()) : `the ${c.task} demo`}: ${errorText(err)}${hint}`, { cause: err });
    }
  }

  /**
   * Continues the last stage-2 checkpoint (an installed one, or the end of a Distill) with its own
   * method and settings up to `steps`: the cosine schedule then spans `steps`.
   */
  async distillFurther(id: number, steps: number): Promise<DistillResult> {
    const from = this.checkpoints.last;
    if (!from || from.kind !== 'distill' || from.compare) throw new Error('there is no stage-2 state to continue: open a run file with a checkpoint or run Distill first');
    if (!demoFitsCheckpoint(this.demo, from)) throw new Error(`the stage-2 state is of the ${from.task} demo at ${from.inputSize}×${from.inputSize}, not of the one loaded now: open the run file again`);
    if (!(Number.isInteger(steps) && steps > from.step)) throw new Error(`to distill further, set Distill steps above ${from.step} (the step the state is at), got ${steps}`);
    return this.distill(id, { ...from.config, steps }, { ...from, total: steps });
  }

  /** Moves the demo to the next backend when the device is lost while nothing trains. Call after each `device.arm()`. */
  watchIdleLoss(busy: () => boolean): void {
    this.recovery.watchIdleLoss(busy);
  }

  dispose(): void {
    this.disposeDemo();
  }

  /**
   * Replaces the tokens (+ branch) with imported ones, checked against the teacher, and optionally
   * the preview scenes. Their masks are drawn first: only when that worked does anything change
   * (the old tokens are freed), and the reply carries the masks.
   */
  async setTokens(request: SetTokensRequest): Promise<TokensSet> {
    const demo = this.requireDemo();
    const { tokens, branch } = tokensForTeacher(demo, request);
    const seeds = request.previewSeeds;
    const previews = seeds ? seeds.map((s) => generateScene(this.requirePools().val, s, sceneForSize(demo.inputShape[0]))) : demo.previews;
    let snapshot: MaskSnapshot;
    try {
      snapshot = await demoSnapshot({ ...demo, tokens, branch, previews }, this.control.step, 'masks');
    } catch (err) {
      tokens.dispose();
      branch?.dispose();
      throw err;
    }
    installTokens(demo, tokens, branch);
    if (seeds) this.demo = { ...demo, previews };
    return { numTokens: tokens.numTokens, channels: tokens.channels, tokenWeights: branch !== null, snapshot };
  }

  /** The current student and the align module trained with it, as tfjs model artifacts. */
  async exportStudent(): Promise<StudentExport> {
    const demo = this.requireDemo();
    return { task: demo.task, student: await modelToArtifacts(demo.student), align: demo.align ?? null, tapLayer: TAP_LAYER };
  }

  /**
   * The current student written back as .onnx: the graph it came in with, its trained initialisers
   * (read from the layers model onnxLayersModel built) in place of the file's. Only for a student
   * that came in as .onnx; any other is refused with the reason.
   */
  async exportStudentOnnx(): Promise<StudentOnnxExport> {
    const demo = this.requireDemo();
    const onnx = demo.user?.student?.onnx;
    if (!onnx) throw new Error('the student did not come in as .onnx: only a student loaded from an .onnx file can be written back as one (export it as TF.js instead)');
    const weights = await onnxLayersWeights(demo.student, onnx.plan);
    const missing = [...onnx.plan.params.keys()].filter((name) => !weights.some((w) => w.name === name));
    if (missing.length) throw new Error(`the student's layers hold no value for ${missing.length} of the file's ${onnx.plan.params.size} initialisers; nothing was written`);
    const bytes = writeOnnx(onnx.plan.model, weights);
    return { task: demo.task, file: onnx.file, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
  }

  /**
   * The last stage-2 state (the checkpoint taken at the pause or the end) as a PyTorch run bundle,
   * zipped: the teacher, a fresh copy of the run's student (built-in or the user's) and the align
   * module with the checkpoint's weights, tokens, Adam's state, schedule, seed, method, history,
   * the data (the next batches and scenes.py, or the dataset's arrays), the page's next steps
   * for --check, and train.py. Refused while a run trains, and with the reason (a layer by name)
   * before anything is built.
   */
  async exportPytorch(): Promise<PytorchExport> {
    const demo = this.requireDemo();
    if (this.live && !this.control.isPaused) throw new Error('a run is training: pause it (or let it end) before continuing in PyTorch');
    return sessionBundleZip({ checkpoint: this.checkpoints.last, demo, pools: this.requirePools(), epsilon: tf.backend().epsilon() });
  }

  /**
   * The user's teacher and/or student in place of the current ones (which stay on any error). Each
   * model's files are first parsed, sized and run once by the env's probe (a throwaway worker in
   * the browser); only files it accepted reach this worker's loader.
   */
  async loadModels(request: LoadModelsRequest, seed = 1): Promise<ModelsLoaded> {
    this.requireDemo();
    const host = this.env.modelProbe?.() ?? null;
    if (host) {
      this.probe = host;
      try {
        await probeUserModels(host, request, (progress) => this.post({ type: 'modelProbe', progress }), this.probeDebug ?? undefined);
      } finally {
        this.probe = null;
      }
    }
    return this.loadProbedModels(request, seed);
  }

  /** Test hook: the next probe workers crash mid-check or hang (null: as they should). */
  debugProbeWorker(mode: 'crash' | 'hang' | null): void {
    this.probeDebug = mode;
  }

  /** Stops the probe in progress (its loadModels then fails; nothing changes). */
  cancelModelProbe(): void {
    this.probe?.cancel();
  }

  private async loadProbedModels(request: LoadModelsRequest, seed = 1): Promise<ModelsLoaded> {
    const current = this.requireDemo();
    if (request.data === 'custom') {
      if (!this.custom) throw new Error('no dataset is loaded: drop a dataset folder first, or pick a digit demo');
      return this.swapUserDemo(await buildUserDemoOnDataset(current, this.custom, request, seed));
    }
    const pools = this.requirePools();
    if (current.source.kind !== 'digits') throw new Error('the models in use run on your dataset: pick a digit demo first (it loads again), then load your models');
    const built = await buildUserDemo(current, request, {
      seed,
      dataForSize: (size) => {
        const source = demoSource(pools, current.task, size);
        return { source, previews: source.previews() };
      },
    });
    return this.swapUserDemo(built);
  }

  /** Splits a loaded user model at another layer. */
  setTap(role: ModelRole, layer: string): ModelsLoaded {
    return this.swapUserDemo(retapDemo(this.requireDemo(), role, layer));
  }

  /** The user's teacher loaded again from its files with another input range or layout; the current one stays on any error. */
  async setTeacherInput(input: NonNullable<UserModelFiles['input']>): Promise<ModelsLoaded> {
    const current = this.requireDemo();
    const t = current.user?.teacher;
    if (!t) throw new Error('the teacher is a built-in model: its input is the demo scenes as they are');
    if (t.kind !== 'graph') throw new Error(`${t.file} is a layers model: it takes the images as the playground makes them ([0, 1], NHWC)`);
    const request: LoadModelsRequest = { teacher: { files: t.files, label: t.label, tap: t.tap, input }, data: current.source.kind === 'custom' ? 'custom' : 'demo' };
    // The files were probed when they were first loaded.
    return this.loadProbedModels(request);
  }

  private swapUserDemo(built: UserDemo): ModelsLoaded {
    this.demo = built.demo;
    built.disposeOld();
    return built.result;
  }

  private disposeDemo(): void {
    const d = this.demo;
    if (!d) return;
    disposeDemo(d);
    this.demo = null;
  }
}
