// What a demo holds of the user's own models (src/train/userModels.ts builds them), and how it is
// freed: kept apart so the Demo record (./demo.ts) and the builder do not import each other.
import type * as tf from '@tensorflow/tfjs';
import type { ModelFileData } from '../byo/files';
import type { LoadedGraph } from '../byo/graphTeacher';
import type { TeacherOutput } from '../byo/teacherIo';
import type { ModelGraph } from '../byo/topology';
import { disposeModel } from '../models/disposeModel';
import type { OnnxSource } from './loadOnnxModel';

export interface UserCommon {
  readonly label: string;
  readonly file: string;
  readonly source: string;
  readonly graph: ModelGraph;
  readonly tap: string;
  readonly tapWhy: string;
}

export type UserTeacher = UserCommon & {
  /** The files it was loaded from, to load it again with another input range or layout. */
  readonly files: readonly ModelFileData[];
  /** Every output and how the label-free objective reads it. */
  readonly outputs: readonly TeacherOutput[];
} & (
  // onnx: an .onnx teacher's file and plan (its PyTorch module is generated from that graph).
  | { readonly kind: 'layers'; readonly model: tf.LayersModel; readonly onnx?: OnnxSource }
  | { readonly kind: 'graph'; readonly loaded: LoadedGraph; readonly full: tf.LayersModel }
);

export interface UserStudent extends UserCommon {
  /** A TF.js layers student's files as tfjs read them. */
  readonly artifacts?: tf.io.ModelArtifacts;
  /** An ONNX student: its file and plan, to build it fresh and to write it back as .onnx. */
  readonly onnx?: OnnxSource;
}

export interface UserModels {
  readonly teacher: UserTeacher | null;
  readonly student: UserStudent | null;
}

/** Frees a graph teacher's own model (its layers model is the demo's teacher, freed with it). */
export function releaseUserTeacher(teacher: UserTeacher | null | undefined): void {
  if (teacher?.kind === 'graph') teacher.loaded.model.dispose();
}

/** Frees what a demo's models still hold after `model.dispose()` (split heads keep references). */
export function releaseUser(demo: { readonly user?: UserModels; readonly teacher: tf.LayersModel; readonly student: tf.LayersModel }): void {
  if (!demo.user) return;
  disposeModel(demo.teacher);
  disposeModel(demo.student);
  releaseUserTeacher(demo.user.teacher);
}
