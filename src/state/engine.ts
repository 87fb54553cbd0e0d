// The slice of the training engine the page drives. EngineClient implements it; tests use a fake.
import type { MethodName } from '../maskd/methods';
import type { Task } from '../models/nets';
import type { BackendName, BackendStatus } from '../train/backend';
import type { CompareHandlers, RunHandlers } from '../train/engineClient';
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
  LoadModelsRequest,
  ModelRole,
  ModelsLoaded,
} from '../train/protocol';

export type { CompareHandlers, RunHandlers };

export interface PlaygroundEngine {
  init(dataUrl: string, backends?: readonly BackendName[]): Promise<BackendStatus>;
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
