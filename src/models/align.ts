// The align module of feature distillation: a 1×1 conv from the student's width to the teacher's,
// then a bilinear resize when the spatial sizes differ (the conv runs first, at the student's size).
import * as tf from '@tensorflow/tfjs';
import { BilinearResize } from './resizeLayer';

export type FeatureShape = readonly [number, number, number];

export interface AlignOptions {
  readonly name?: string;
  /** Skip the conv when widths already match (identity align). Default false: always learn a 1×1. */
  readonly identityWhenSameWidth?: boolean;
}

/** Model [N, h, w, c] → [N, H, W, C] for student feature [h, w, c] and teacher feature [H, W, C]. */
export function buildAlign(student: FeatureShape, teacher: FeatureShape, options: AlignOptions = {}): tf.LayersModel {
  for (const [who, s] of [['student', student], ['teacher', teacher]] as const) {
    if (s.length !== 3 || s.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`buildAlign: ${who} feature shape must be [H, W, C] of positive integers, got [${s.join(',')}]`);
    }
  }
  const name = options.name ?? 'align';
  const input = tf.input({ shape: [...student], name: `${name}_in` });
  let x: tf.SymbolicTensor = input;
  if (!(options.identityWhenSameWidth && student[2] === teacher[2])) {
    x = tf.layers.conv2d({ name: `${name}_conv`, filters: teacher[2], kernelSize: 1, useBias: true }).apply(x) as tf.SymbolicTensor;
  }
  if (student[0] !== teacher[0] || student[1] !== teacher[1]) {
    x = new BilinearResize({ name: `${name}_resize`, height: teacher[0], width: teacher[1] }).apply(x) as tf.SymbolicTensor;
  }
  if (x === input) {
    // Identical shapes and identity requested: a linear activation keeps it a valid model.
    x = tf.layers.activation({ name: `${name}_identity`, activation: 'linear' }).apply(x) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: x, name });
}
