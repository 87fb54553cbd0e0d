// Typed messages between the page and the training worker. Tensors never cross: only plain
// data and transferable ArrayBuffers.
import type { Task } from '../models/nets';
import type { BackendName, BackendStatus } from './backend';

/** A LayersModel as plain data: what tf.io save handlers receive, with one weight buffer. */
export interface ModelArtifactsData {
  readonly modelTopology: object;
  readonly weightSpecs: readonly { name: string; shape: number[]; dtype: string }[];
  readonly weightData: ArrayBuffer;
}

export interface TrainTeacherRequest {
  readonly task: Task;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
  /** Validate every this many steps (and at the end) on `valCount` held-out scenes. */
  readonly evalEvery: number;
  readonly valCount: number;
  readonly valSeed: number;
  /** Start from these weights instead of a fresh init (resume or fine-tune). */
  readonly initial?: ModelArtifactsData;
  /** Continue the cosine schedule from this step (with `initial`). */
  readonly startStep?: number;
  /** Stop (and return the state) at this step, before `steps`; the schedule still spans `steps`. */
  readonly untilStep?: number;
  /** Adam state from a previous chunk, so a resumed run continues exactly. */
  readonly optimizer?: readonly NamedArray[];
}

/** A named tensor as plain data (optimizer slots, checkpoints). */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export type EngineCommand =
  | { readonly type: 'init'; readonly backends?: readonly BackendName[]; readonly dataUrl: string }
  | { readonly type: 'trainTeacher'; readonly id: number; readonly request: TrainTeacherRequest }
  | { readonly type: 'profileStep'; readonly id: number; readonly task: Task; readonly batchSize: number }
  | { readonly type: 'stop' };

/** Where the time of one training step goes, by kernel, summed (ms). */
export interface StepProfile {
  readonly wallMs: number;
  readonly kernels: readonly { readonly name: string; readonly ms: number; readonly count: number }[];
}

export interface TrainProgress {
  readonly id: number;
  readonly step: number;
  readonly total: number;
  readonly loss: number;
  readonly msPerStep: number;
  readonly numTensors: number;
  /** Present on steps where validation ran. */
  readonly metric?: { readonly name: string; readonly value: number; readonly extra: Readonly<Record<string, number>> };
}

export type EngineEvent =
  | { readonly type: 'ready'; readonly status: BackendStatus }
  | { readonly type: 'progress'; readonly progress: TrainProgress }
  | {
      readonly type: 'teacherDone';
      readonly id: number;
      readonly artifacts: ModelArtifactsData;
      readonly optimizer: readonly NamedArray[];
      readonly step: number;
      readonly metric: number;
      readonly stopped: boolean;
    }
  | { readonly type: 'profile'; readonly id: number; readonly profile: StepProfile }
  | { readonly type: 'error'; readonly id?: number; readonly message: string };
