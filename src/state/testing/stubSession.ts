// A deterministic in-memory session for store/action tests: the contract's handler map
// (EngineHandlers) without TensorFlow.js. The store tests drive it through the real dispatcher and
// client (./stubEngineHost.ts), so the contract's rules (init first, one run at a time, loads in
// turn) and its error texts are the real ones; a new request does not compile here until the stub
// answers it too.
import type { MethodName } from '../../maskd/methods';
import type { Task } from '../../models/nets';
import type { BackendName, BackendStatus, BackendTiming, Calibration } from '../../backends/types';
import type { EvaluateResult, EvaluateTarget } from '../../engine/evaluation';
import type { DemoLoaded, LoadDemoOptions, ModelCard, StudentExport } from '../../engine/models';
import type { MaskSnapshot, RunProgress, RunState, Stage } from '../../engine/progress';
import type { CompareConfig, DistillConfig, MaskStageConfig, TrainTeacherRequest } from '../../engine/runConfigs';
import type { CompareRow, DistillResult, MasksResult, ResumeResult, TeacherResult } from '../../engine/runResults';
import type { AutoOptions, EngineMemory } from '../../engine/session';
import type { SetTokensRequest, TokenReport, TokensFile, TokensSet } from '../../engine/tokens';
import type { LoadModelsRequest, ModelRole, ModelsLoaded, UserModelFiles, UserModelInfo } from '../../engine/userModels';
import type { Checkpoint, CheckpointInfo } from '../../engine/checkpoint';
import type { EngineHandlers } from '../../engine/contract';
import type { DatasetFileData, DatasetSummary, LoadDatasetOptions } from '../../engine/datasets';
import type { EngineEvent } from '../../engine/events';
import { fakeLoadDataset, fakeTrainTeacher, type FakeDatasetState } from './fakeDataset';

const card = (role: ModelCard['role'], task: Task): ModelCard => ({
  role,
  source: `builtin:${task}-${role}`,
  params: role === 'teacher' ? 120_000 : 30_000,
  flops: role === 'teacher' ? 40e6 : 9e6,
  tapLayer: 'neck',
  featureShape: [16, 16, role === 'teacher' ? 64 : 32],
  inputShape: [64, 64, 1],
  metric: role === 'teacher' ? { name: 'mIoU', value: 0.8 } : undefined,
});

/**
 * Partial: a command the store tests do not use needs no stub method, so adding one to the engine
 * stays the contract entry and its session handler (stubEngineHost answers the rest with an error).
 */
export class StubSession implements Partial<EngineHandlers> {
  readonly calls: string[] = [];
  /** Auto's figures: WASM fastest, as on a machine whose WebGPU is a software adapter. */
  timings: BackendTiming[] = [
    { backend: 'wasm', msPerStep: 90, detail: 'SIMD · 1 thread' },
    { backend: 'webgpu', msPerStep: null, limitMs: 4000, detail: 'swiftshader' },
    { backend: 'webgl', msPerStep: 3800, detail: '' },
  ];

  /** `device` outlives engines, as the worker's IndexedDB does: a measuring init fills it, later ones reuse it. */
  constructor(
    private readonly post: (event: EngineEvent) => void,
    private readonly device: { calibration: Calibration | null } = { calibration: null },
  ) {}
  /** What findCheckpoint reports (an interrupted run's checkpoint); resumeCheckpoint continues it. */
  stored: CheckpointInfo | null = null;
  /** Base learning rate set on the run in progress. */
  lr: number | null = null;
  /** Set to make loadDemo report no shipped tokens. */
  shippedTokens = true;
  /** Set to make the next run throw at this step. */
  failAtStep: number | null = null;
  terminated = false;
  /** While set, snapshotMasks waits for it (a slow snapshot on a software adapter). */
  snapshotGate: Promise<void> | null = null;
  private learned = false;
  numTokens = 4;
  private paused = false;
  private stopped = false;
  private pendingSteps = 0;
  private step = 0;
  private wake: (() => void) | null = null;

  async init(_dataUrl: string, backends?: readonly BackendName[], auto: AutoOptions = {}): Promise<BackendStatus> {
    this.calls.push(`init:${backends?.join(',') ?? `auto${auto.remeasure ? ':remeasure' : ''}`}`);
    const device = this.device;
    let calibration = device.calibration ? { ...device.calibration, remembered: true } : null;
    if (!backends && (auto.remeasure || !calibration)) {
      for (let i = 0; i <= this.timings.length; i++) this.post({ type: 'calibrating', timings: this.timings.slice(0, i), measuring: this.timings[i]?.backend ?? null });
      calibration = device.calibration = {
        deviceKey: 'fake', task: auto.task ?? 'segmentation', batchSize: 8, timings: this.timings, fastest: 'wasm',
        measuredAt: '2026-11-30T00:00:00.000Z', wallMs: 5000, remembered: false,
      };
    }
    const backend = backends?.[0] ?? calibration?.fastest ?? 'wasm';
    return {
      backend,
      adapter: backend === 'webgpu' ? { vendor: 'fake', architecture: 'swiftshader', description: '' } : null,
      wasm: backend === 'wasm' ? { simd: true, multithread: false, threads: 1 } : null,
      fallbackReason: null,
      calibration,
      selfCheck: true,
    };
  }

  /** Set to make loadDemo report no shipped student backbone (a fresh student, with a warning). */
  shippedBackbone = true;

  async loadDemo(task: Task, options: LoadDemoOptions = {}): Promise<DemoLoaded> {
    this.calls.push(`loadDemo:${task}${options.tokens ? `+tokens:${options.tokens.tokens.shape.join('x')}` : ''}${options.studentInit === 'fresh' ? '+fresh-student' : ''}`);
    const loaded = await (options.tokens ? this.demoWithTokens(task, options.tokens) : this.demoLoaded(task));
    if (this.shippedBackbone || options.studentInit === 'fresh') return loaded;
    return { ...loaded, warnings: [...loaded.warnings, { kind: 'untrained-student', text: 'no shipped student backbone: the student starts from a fresh init' }] };
  }

  /** As the real engine: tokens of another width are refused and the loaded demo (and its tokens) stay. */
  private async demoWithTokens(task: Task, given: NonNullable<LoadDemoOptions['tokens']>): Promise<DemoLoaded> {
    const [numTokens, channels] = given.tokens.shape;
    if (channels !== 64) throw new Error(`these tokens are C = ${channels} wide but the ${task} teacher's feature at the tap layer has 64 channels; they belong to another teacher`);
    this.numTokens = numTokens;
    this.learned = true;
    this.tokensFile = { version: 1, task, tokens: given.tokens, ...(given.branch ? { branch: given.branch } : {}) };
    return {
      teacher: card('teacher', task),
      student: card('student', task),
      tokens: { numTokens, channels, tokenWeights: given.branch !== undefined },
      warnings: [],
      snapshot: await this.gatedSnapshot(),
    };
  }

  /** What tf.memory() would say: the fake allocates nothing. */
  async memory(): Promise<EngineMemory> {
    this.calls.push('memory');
    return { numTensors: 0, numBytes: 0 };
  }

  private async demoLoaded(task: Task): Promise<DemoLoaded> {
    const snapshot = this.shippedTokens ? await this.gatedSnapshot() : null;
    return {
      teacher: card('teacher', task),
      student: card('student', task),
      tokens: this.shippedTokens ? { numTokens: this.numTokens, channels: 64, tokenWeights: true } : null,
      warnings: this.shippedTokens ? [] : [{ kind: 'untrained-tokens', text: `no shipped tokens for ${task}: masks are untrained` }],
      snapshot,
    };
  }

  /** The masks of the current tokens, held back while `snapshotGate` is set (a slow adapter). */
  private async gatedSnapshot(): Promise<MaskSnapshot> {
    if (this.snapshotGate) await this.snapshotGate;
    return this.snapshot('masks', this.step);
  }

  async snapshotMasks(): Promise<MaskSnapshot> {
    this.calls.push('snapshotMasks');
    if (!this.shippedTokens && !this.learned) throw new Error('there are no receptive tokens yet: run mask learning or load shipped tokens');
    return this.gatedSnapshot();
  }

  async learnMasks(id: number, config: MaskStageConfig): Promise<MasksResult> {
    this.calls.push(`learnMasks:${config.steps}`);
    this.numTokens = config.numTokens;
    const step = await this.loop(id, 'masks', undefined, config.steps);
    this.learned = true;
    return { step, stopped: this.stopped };
  }

  async distill(id: number, config: DistillConfig): Promise<DistillResult> {
    this.calls.push(`distill:${config.method}:${config.steps}`);
    const step = await this.loop(id, 'distill', config.method, config.steps);
    return { step, metric: 0.5, metricName: 'mIoU', stopped: this.stopped };
  }

  async compare(id: number, methods: readonly MethodName[], config: CompareConfig): Promise<CompareRow[]> {
    this.calls.push(`compare:${methods.join(',')}`);
    const rows: CompareRow[] = [];
    for (const [i, method] of methods.entries()) {
      await this.loop(id, 'distill', method, config.steps);
      const row: CompareRow = {
        method, metric: 0.4 + i / 100, scored: { split: 'test', scenes: 128 }, bestVal: { metric: 0.42 + i / 100, step: config.steps },
        metricName: 'mIoU', finalLoss: 1 - i / 10, msPerStep: 5, curve: [[config.steps, 0.4 + i / 100]],
      };
      rows.push(row);
      this.post({ type: 'compareRow', id, row });
    }
    return rows;
  }

  async pause(): Promise<void> {
    this.calls.push('pause');
    this.paused = true;
    this.post({ type: 'pauseState', info: { paused: true, step: this.step, reason: null } });
  }

  async resume(): Promise<void> {
    this.calls.push('resume');
    this.paused = false;
    this.post({ type: 'pauseState', info: { paused: false, step: this.step, reason: null } });
    this.kick();
  }

  async stepOnce(): Promise<void> {
    this.calls.push('stepOnce');
    this.pendingSteps++;
    this.kick();
  }

  async stop(): Promise<void> {
    this.calls.push('stop');
    this.stopped = true;
    this.kick();
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Tokens set through setTokens (else deterministic ones of the current T × 64). */
  tokensFile: TokensFile | null = null;

  async exportTokens(): Promise<TokensFile> {
    this.calls.push('exportTokens');
    if (this.tokensFile) return this.tokensFile;
    if (!this.shippedTokens && !this.learned) throw new Error('there are no receptive tokens to export: run mask learning first');
    const data = Array.from({ length: this.numTokens * 64 }, (_, i) => Math.sin(i) / 10);
    return { version: 1, task: 'segmentation', tokens: { name: 'mask_token', shape: [this.numTokens, 64], data } };
  }

  async setTokens(request: SetTokensRequest): Promise<TokensSet> {
    this.calls.push(`setTokens:${request.tokens.shape.join('x')}`);
    const [numTokens, channels] = request.tokens.shape;
    if (channels !== 64) throw new Error(`these tokens are C = ${channels} wide but the teacher's feature at the tap layer has 64 channels`);
    this.numTokens = numTokens;
    this.learned = true;
    this.tokensFile = { version: 1, task: 'segmentation', tokens: request.tokens, ...(request.branch ? { branch: request.branch } : {}) };
    return { numTokens, channels, tokenWeights: request.branch !== undefined, snapshot: await this.gatedSnapshot() };
  }

  async exportStudent(): Promise<StudentExport> {
    this.calls.push('exportStudent');
    const weightSpecs = [{ name: 'conv/kernel', shape: [1, 1, 1, 2], dtype: 'float32' }];
    return { task: 'segmentation', student: { modelTopology: { class_name: 'Model' }, weightSpecs, weightData: new Float32Array([1, 2]).buffer }, align: null, tapLayer: 'neck' };
  }

  /** A report of T tokens on 256 validation scenes: token t's area 0.1·(t+1), the first two on the digits; weights 0.5, 0.5, 0, … (2 effective tokens). */
  async tokenReport(count = 256): Promise<TokenReport> {
    this.calls.push(`tokenReport:${count}`);
    if (!this.learned && !this.shippedTokens) throw new Error('there are no receptive tokens yet: learn masks or load tokens first');
    const t = this.numTokens;
    const labels = ['background', ...Array.from({ length: 10 }, (_, d) => String(d))];
    const area = Array.from({ length: t }, (_, j) => 0.1 * (j + 1));
    return {
      numTokens: t,
      scenes: count,
      split: 'val',
      labels,
      perClass: area.map((a, j) => labels.map((_, c) => (j < 2 ? (c === 0 ? 0.01 : 0.9) : a))),
      area,
      live: area.map((a) => a > 0.02 && a < 0.95),
      liveArea: { min: 0.02, max: 0.95 },
      liveCount: area.filter((a) => a > 0.02 && a < 0.95).length,
      dice: area.map((_, a) => area.map((__, b) => (a === b ? 1 : 0.2))),
      meanDice: 0.2,
      weights: area.map((_, j) => (j < 2 ? 0.5 : 0)),
      effectiveTokens: 2,
    };
  }

  async evaluate(target: EvaluateTarget = 'both', valCount = 64): Promise<EvaluateResult> {
    this.calls.push(`evaluate:${target}`);
    const m = (value: number) => ({ name: 'mIoU', value, extra: {} });
    return { valCount, ...(target !== 'teacher' ? { student: m(0.5) } : {}), ...(target !== 'student' ? { teacher: m(0.8) } : {}) };
  }

  async exportState(): Promise<Checkpoint> {
    this.calls.push('exportState');
    throw new Error('the fake engine has no training state to export');
  }

  async findCheckpoint(): Promise<CheckpointInfo | null> {
    this.calls.push('findCheckpoint');
    return this.stored;
  }

  async discardCheckpoint(): Promise<void> {
    this.calls.push('discardCheckpoint');
    this.stored = null;
  }

  async resumeCheckpoint(id: number): Promise<ResumeResult> {
    const c = this.stored;
    if (!c) throw new Error('there is no stored checkpoint to resume');
    this.calls.push(`resumeCheckpoint:${c.kind}:${c.step}`);
    this.stored = null;
    const stage: Stage = c.kind === 'masks' ? 'masks' : 'distill';
    const step = await this.loop(id, stage, c.method ?? undefined, c.total, c.step);
    if (c.compare && c.method) {
      // The running method ends, then the ones after it run from step 0.
      const rows = [...c.compare.rows];
      for (const method of c.compare.methods.slice(c.compare.methods.indexOf(c.method))) {
        if (method !== c.method) await this.loop(id, 'distill', method, c.total);
        const row: CompareRow = {
          method, metric: 0.5, scored: { split: 'test', scenes: 128 }, bestVal: { metric: 0.5, step: c.total },
          metricName: 'mIoU', finalLoss: 1, msPerStep: 5, curve: [[c.total, 0.5]],
        };
        rows.push(row);
        this.post({ type: 'compareRow', id, row });
      }
      return { kind: 'compare', rows };
    }
    return c.kind === 'masks'
      ? { kind: 'masks', result: { step, stopped: this.stopped } }
      : { kind: 'distill', result: { step, metric: 0.5, metricName: 'mIoU', stopped: this.stopped } };
  }

  async runState(): Promise<RunState> {
    this.calls.push('runState');
    return { running: this.running, paused: this.paused, step: this.step };
  }

  async setLearningRate(lr: number): Promise<void> {
    this.calls.push(`setLearningRate:${lr}`);
    this.lr = lr;
  }

  async debugInjectNonFinite(): Promise<void> {
    this.calls.push('debugInjectNonFinite');
    this.nanPause();
  }

  async debugLoseDevice(): Promise<void> {
    this.calls.push('debugLoseDevice');
    throw new Error('the backend is wasm, not webgpu: there is no device to lose');
  }

  /** User models: a label containing "broken" is refused, like a bad file in the real engine. */
  async loadModels(request: LoadModelsRequest): Promise<ModelsLoaded> {
    const roles = (['teacher', 'student'] as const).filter((r) => request[r]);
    this.calls.push(`loadModels:${roles.map((r) => `${r}=${request[r]?.label}`).join(',')}${request.data === 'custom' ? '@custom' : ''}`);
    for (const r of roles) if (request[r]?.label.includes('broken')) throw new Error(`${request[r]?.label}/model.json: is not JSON`);
    for (const r of roles) this.user[r] = this.userInfo(r, request[r]?.label ?? '', request[r]?.tap ?? 'feat');
    return this.modelsLoaded();
  }

  async setTap(role: ModelRole, layer: string): Promise<ModelsLoaded> {
    this.calls.push(`setTap:${role}:${layer}`);
    const u = this.user[role];
    if (!u) throw new Error(`the ${role} is a built-in model`);
    if (layer === 'flat') throw new Error(`${u.label}/model.json: layer "flat" cannot be the tap: its output is 3-D`);
    this.user[role] = { ...u, tap: layer, tapWhy: 'chosen' };
    return this.modelsLoaded();
  }

  async setTeacherInput(input: NonNullable<UserModelFiles['input']>): Promise<ModelsLoaded> {
    this.calls.push(`setTeacherInput:${input.range ?? ''}:${input.layout ?? ''}`);
    if (!this.user.teacher) throw new Error('the teacher is a built-in model');
    return this.modelsLoaded();
  }

  private user: Record<ModelRole, UserModelInfo | null> = { teacher: null, student: null };

  private userInfo(role: ModelRole, label: string, tap: string): UserModelInfo {
    return {
      role,
      label,
      format: 'layers-model',
      tap,
      tapWhy: 'suggested',
      layers: [
        { name: 'feat', kind: 'Conv2D', shape: [null, 16, 16, 32], stride: 4, notTap: null },
        { name: 'flat', kind: 'Reshape', shape: [null, 256, 32], stride: null, notTap: 'its output is 3-D' },
      ],
    };
  }

  private modelsLoaded(): ModelsLoaded {
    const side = (r: ModelRole): ModelCard => {
      const u = this.user[r];
      return u ? { ...card(r, 'segmentation'), source: `${u.label} · 0000abcd`, tapLayer: u.tap } : card(r, 'segmentation');
    };
    return { teacher: side('teacher'), student: side('student'), tokens: null, user: { ...this.user }, inputSize: 64, align: '1×1 conv 32→64', warnings: [], labelFree: null };
  }

  /** Simulates the engine pausing itself on a non-finite loss: one warning, and the pause with its reason. */
  nanPause(): void {
    this.paused = true;
    const text = `the task loss became NaN at step ${this.step + 1}; the step was skipped and the run paused`;
    this.post({ type: 'warning', warning: { kind: 'nan', text, step: this.step + 1 } });
    this.post({ type: 'pauseState', info: { paused: true, step: this.step, reason: text } });
  }

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async gate(): Promise<void> {
    while (this.paused && !this.stopped && this.pendingSteps === 0) await new Promise<void>((r) => (this.wake = r));
    if (this.pendingSteps > 0) this.pendingSteps--;
  }

  private async loop(id: number, stage: Stage, method: MethodName | undefined, total: number, from = 0): Promise<number> {
    this.running = true;
    try {
      return await this.steps(id, stage, method, total, from);
    } finally {
      this.running = false;
    }
  }

  private running = false;

  private async steps(id: number, stage: Stage, method: MethodName | undefined, total: number, from: number): Promise<number> {
    this.stopped = false;
    this.step = from;
    for (let step = from + 1; step <= total; step++) {
      await new Promise((r) => setTimeout(r, 0));
      await this.gate();
      if (this.stopped) break;
      if (this.failAtStep === step) throw new Error(`fake failure at step ${step}`);
      this.step = step;
      const losses: Record<string, number> = stage === 'masks' ? { task: 1 / step, dice: 0.3, total: 1 / step + 0.3 } : { task: 1 / step, distill: 0.5 / step, total: 1.5 / step };
      this.post({ type: 'progress', id, progress: { runId: 1, stage, method, step, total, losses, msPerStep: 10, etaMs: (total - step) * 10, numTensors: 42, metric: step === total ? { name: 'mIoU', value: 0.5 } : undefined } });
      this.post({ type: 'snapshot', id, snapshot: this.snapshot(stage, step) });
    }
    return this.step;
  }

  /** The real parser on the given files (pure, runs in Node). */
  readonly dataset: FakeDatasetState = { summary: null };

  private datasetAbort: AbortController | null = null;
  private datasetCancelledUpTo = -1;

  /** As the engine's: progress events while it decodes, and stopped by cancelDatasetLoad (even one sent before it began). */
  async loadDataset(files: readonly DatasetFileData[], options: LoadDatasetOptions = {}): Promise<DatasetSummary> {
    this.calls.push(`loadDataset:${files.length}`);
    const abort = new AbortController();
    this.datasetAbort = abort;
    if ((options.loadId ?? Infinity) <= this.datasetCancelledUpTo) abort.abort();
    try {
      return await fakeLoadDataset(this.dataset, files, options, abort.signal, (progress) => this.post({ type: 'datasetLoad', progress }));
    } finally {
      this.datasetAbort = null;
      this.post({ type: 'datasetLoad', progress: null });
    }
  }

  cancelDatasetLoad(loadId: number): void {
    this.calls.push(`cancelDatasetLoad:${loadId}`);
    this.datasetCancelledUpTo = Math.max(this.datasetCancelledUpTo, loadId);
    this.datasetAbort?.abort();
  }

  async trainTeacher(id: number, request: TrainTeacherRequest): Promise<TeacherResult> {
    this.calls.push(`trainTeacher:${request.source ?? 'digits'}:${request.steps}`);
    this.stopped = false;
    const onProgress = (progress: RunProgress) => this.post({ type: 'progress', id, progress });
    return fakeTrainTeacher(this.dataset, request, onProgress, () => this.stopped, () => this.gate());
  }

  private snapshot(stage: Stage, step: number): MaskSnapshot {
    const T = this.numTokens;
    const masks = new Float32Array(2 * 4 * 4 * T).map((_, i) => ((i * 7 + step) % 11) / 10);
    return { step, stage, previews: 2, imageSize: [8, 8], maskSize: [4, 4], numTokens: T, images: new Float32Array(2 * 8 * 8 * 3).fill(0.5), masks, tokenWeights: new Float32Array(2 * T).fill(1 / T) };
  }
}
