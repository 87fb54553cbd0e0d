// The loaded teacher and student: their cards, the demo load and the student's export.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

import type { Task } from '../models/nets';
import type { ModelArtifactsData } from './artifacts';
import type { MaskSnapshot } from './progress';
import type { SetTokensRequest } from './tokens';
import type { EngineWarning } from './warnings';

/** How a demo student's backbone starts: the shipped pretrained one, or a fresh seeded init. */
export type StudentInit = 'pretrained' | 'fresh';
export const STUDENT_INITS: readonly StudentInit[] = ['pretrained', 'fresh'];

/** What the page shows about a loaded model (teacher or student card). */
export interface ModelCard {
  readonly role: 'teacher' | 'student';
  /** 'builtin:<task>-teacher' for shipped ones; a content hash for a user's model. */
  readonly source: string;
  readonly params: number;
  /** Per input image, multiply-add = 2 FLOPs. */
  readonly flops: number;
  readonly tapLayer: string;
  /** [H, W, C] of the tap feature. */
  readonly featureShape: readonly [number, number, number];
  readonly inputShape: readonly [number, number, number];
  /** Validation metric recorded for it (shipped teachers), when known. */
  readonly metric?: { readonly name: string; readonly value: number };
}

export interface DemoLoaded {
  readonly teacher: ModelCard;
  readonly student: ModelCard;
  /** Shipped receptive tokens of the teacher, when present (`models/<task>-teacher/tokens.json`). */
  readonly tokens: { readonly numTokens: number; readonly channels: number; readonly tokenWeights: boolean } | null;
  /** Why something was not loaded as shipped (e.g. no teacher checkpoint: a fresh one is used). */
  readonly warnings: readonly EngineWarning[];
  /** The masks of the shipped tokens on the preview scenes (null without tokens). */
  readonly snapshot: MaskSnapshot | null;
}

export interface LoadDemoOptions {
  /** Square input side (multiple of 4). Default 64, the shipped teacher's; others get a fresh teacher. */
  readonly inputSize?: number;
  /** Student init seed (default 1); stage-2 runs re-seed from their own config. */
  readonly seed?: number;
  /**
   * Where the demo students' backbone starts (default 'pretrained'): the shipped pretrained
   * backbone (public/models/student-backbone/, scripts/pretrain-students.ts) under a fresh seeded
   * head, as the reference's students start from ImageNet backbones; or 'fresh', all seeded.
   * Every run of the demo (each method of a comparison) starts its student the same way.
   */
  readonly studentInit?: StudentInit;
  /**
   * Tokens (+ branch) to use instead of the shipped ones (a run file of another task). They are
   * checked against the new teacher and their masks drawn before the loaded demo is replaced: if
   * they do not fit, the new demo is released and the current one stays, unchanged.
   */
  readonly tokens?: Pick<SetTokensRequest, 'tokens' | 'branch'>;
}

/** The trained student and the align module of the last distillation run, as tfjs artifacts. */
export interface StudentExport {
  readonly task: Task;
  readonly student: ModelArtifactsData;
  /** Null until a distillation run has trained one. */
  readonly align: ModelArtifactsData | null;
  readonly tapLayer: string;
}

/** A float32 array with its shape (row-major). */
export interface FloatArray {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** The session's last stage-2 state as a PyTorch run bundle, zipped (src/pytorch/bundleZip.ts). */
export interface PytorchExport {
  readonly task: Task;
  readonly method: string;
  /** Applied steps: train.py goes on with step `step + 1` of `total`. */
  readonly step: number;
  readonly total: number;
  /** Files in the bundle. */
  readonly files: number;
  /** The zip, its files under `maskd-pytorch-<task>-step<step>/`. */
  readonly bytes: ArrayBuffer;
}

/** An ONNX student (one that came in as .onnx) written back as .onnx with its trained weights. */
export interface StudentOnnxExport {
  readonly task: Task;
  /** The .onnx file it was loaded from (its name, as dropped or fetched). */
  readonly file: string;
  /** The .onnx bytes: its own graph, the trained initialisers inside (raw float32). */
  readonly bytes: ArrayBuffer;
}
