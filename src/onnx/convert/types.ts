// What the converter knows of each value before anything runs, and what one converted node is.
import type * as tf from '@tensorflow/tfjs';
import type { OnnxNode } from '../model';

/** A dimension: its size, or BATCH for the batch dimension (any size at run time). */
export type Dim = number;
export const BATCH = -1;

/**
 * How a 4-D value is laid out at run time: 'nhwc' (the converter's choice for feature maps:
 * TF.js convolutions, pools and the MasKD kernels want channels last) or 'logical' (as the ONNX
 * graph writes it, NCHW for 4-D). Values of other ranks are always logical.
 */
export type Layout = 'nhwc' | 'logical';

/** A value known before the graph runs: shape arithmetic, Constant nodes, integer initialisers. */
export interface ConstValue {
  /** Row-major values; NaN where a value depends on the batch size. */
  readonly values: readonly number[];
  readonly dims: readonly number[];
  readonly int: boolean;
}

export interface ValueMeta {
  /** The shape as ONNX writes it (NCHW for feature maps); BATCH marks the batch dimension. */
  readonly shape: readonly Dim[];
  readonly layout: Layout;
  readonly constant?: ConstValue;
}

/** Where a converted node wants each of its run-time inputs ('kernel': a conv weight, HWIO). */
export type Want = 'nhwc' | 'logical' | 'any' | 'kernel';

/** One converted node: run on its data inputs (already in the layouts it asked for). */
export interface Step {
  readonly node: OnnxNode;
  /** Indices into node.inputs read at run time, with the layout each must arrive in. */
  readonly reads: readonly { readonly input: number; readonly want: Want }[];
  readonly outputs: readonly ValueMeta[];
  readonly run?: (inputs: tf.Tensor[], ctx: RunContext) => tf.Tensor[];
}

export interface RunContext {
  /** PyTorch's train mode: BatchNorm normalises with the batch's statistics and updates its running ones. */
  readonly training: boolean;
  /** The run's actual batch size (what BATCH stands for). */
  readonly batch: number;
}
