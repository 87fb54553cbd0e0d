// The slice of the training engine the page drives. EngineClient implements it; tests use a fake.
import type { MethodName } from '../maskd/methods';
import type { Task } from '../models/nets';
import type { BackendName, BackendStatus, BackendTiming } from '../backends/types';
import type { AutoOptions, CompareHandlers, RunHandlers, TeacherResult } from '../train/engineClient';
import type {
  CompareConfig,
  CompareRow,
  DemoLoaded,
  DistillConfig,
  DistillResult,
  MaskSnapshot,
  MaskStageConfig,
  MasksResult,
  PauseInfo,
  DatasetFileData,
  DatasetSummary,
  LoadDatasetOptions,
  TrainProgress,
  TrainTeacherRequest,
  SetTokensRequest,
  StudentExport,
  TokensFile,
  TokensSet,
  EvaluateResult,
  EvaluateTarget,
  ResumeResult,
  LoadModelsRequest,
  ModelRole,
  ModelsLoaded,
} from '../train/protocol';
import type { Checkpoint, CheckpointInfo } from '../train/checkpoint';

export type { CompareHandlers, RunHandlers };

export interface PlaygroundEngine {
  /** `backends` forces a try order; without it Auto picks the fastest measured on this device. */
  init(dataUrl: string, backends?: readonly BackendName[], auto?: AutoOptions): Promise<BackendStatus>;
  loadDemo(task: Task): Promise<DemoLoaded>;
  learnMasks(config: MaskStageConfig, handlers?: RunHandlers): Promise<MasksResult>;
  distill(config: DistillConfig, handlers?: RunHandlers): Promise<DistillResult>;
  compare(methods: readonly MethodName[], config: CompareConfig, handlers?: CompareHandlers): Promise<CompareRow[]>;
  snapshotMasks(): Promise<MaskSnapshot>;
  pause(): void;
  resume(): void;
  stepOnce(): void;
  stop(): void;
  terminate(): void;
  onError: (message: string) => void;
  onWarning: (message: string) => void;
  onPauseChange: (info: PauseInfo) => void;
  /** Parses a dropped dataset; the previous one stays when it fails. */
  loadDataset(files: readonly DatasetFileData[], options?: LoadDatasetOptions): Promise<DatasetSummary>;
  /** Trains a teacher; with `source: 'custom'` on the loaded dataset, which then becomes the engine's teacher. */
  trainTeacher(request: TrainTeacherRequest, onProgress?: (p: TrainProgress) => void): Promise<TeacherResult>;
  exportTokens(): Promise<TokensFile>;
  setTokens(request: SetTokensRequest): Promise<TokensSet>;
  exportStudent(): Promise<StudentExport>;
  /** Validation metric of the current student and/or teacher. */
  evaluate(target?: EvaluateTarget, valCount?: number): Promise<EvaluateResult>;
  /** The run's state as plain data (a checkpoint). */
  exportState(): Promise<Checkpoint>;
  /** The checkpoint an interrupted run left in IndexedDB, summarised; null when none. */
  findCheckpoint(): Promise<CheckpointInfo | null>;
  discardCheckpoint(): Promise<void>;
  /** Continues the stored run from its checkpoint; resolves when it ends. */
  /** Continues the stored run; a comparison's finished methods arrive through `onMethodDone`. */
  resumeCheckpoint(handlers?: CompareHandlers): Promise<ResumeResult>;
  /** The base learning rate of the run in progress (after a non-finite pause). */
  setLearningRate(lr: number): void;
  /** The engine moved to another backend mid-session (the WebGPU device was lost). */
  onBackendChange: (status: BackendStatus, reason: string) => void;
  /** Auto's calibration under way: the figures so far and the backend being timed (null when done). */
  onCalibrating: (timings: readonly BackendTiming[], measuring: BackendName | null) => void;
  /** The user's own teacher and/or student; the loaded ones stay when this rejects. */
  loadModels(request: LoadModelsRequest): Promise<ModelsLoaded>;
  setTap(role: ModelRole, layer: string): Promise<ModelsLoaded>;
}

/** Where actions get the engine: the current one, or a fresh one after `reset` (backend switch). */
export interface EngineHost {
  get(): PlaygroundEngine;
  /** Shuts the current engine down; the next `get` starts a new one. */
  reset(): void;
  readonly dataUrl: string;
}
