// Every op the converter takes, the attributes it reads, and its converter. An op, attribute or
// domain outside this table is refused (op, node name, opset) before any weight is read.
import { OnnxError, unsupported } from '../errors';
import type { OnnxModel } from '../model';
import type { Built, BuildContext } from './context';
import { buildConstant, buildFoldOnly, buildShape, FOLD_ONLY, foldArithmetic } from './ops/constants';
import { buildConv, buildConvTranspose } from './ops/conv';
import { BINARY_OPS, buildBinary, buildClip, buildUnary, UNARY } from './ops/elementwise';
import { buildGemm, buildMatMul } from './ops/matmul';
import { buildBatchNorm } from './ops/norm';
import { buildPad } from './ops/pad';
import { buildAveragePool, buildGlobalPool, buildMaxPool } from './ops/pool';
import { buildReduce, buildSoftmax } from './ops/reduce';
import { buildResize } from './ops/resize';
import {
  buildConcat, buildFlatten, buildGather, buildIdentity, buildReshape, buildSlice, buildSplit, buildSqueeze, buildTranspose, buildUnsqueeze,
} from './ops/tensorOps';
import type { ConstValue } from './types';

interface OpSpec {
  readonly build: (ctx: BuildContext) => Built;
  readonly attrs: readonly string[];
  /** Inputs read as numbers before the graph runs (shapes, axes, scales), never as weights. */
  readonly constInputs?: readonly number[];
}

const conv = ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'];
const pool = ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides'];

/** An op over constants folds; otherwise its own converter runs. */
const foldable = (build: (ctx: BuildContext) => Built) => (ctx: BuildContext): Built => {
  const cs = ctx.node.inputs.map((_, k) => (ctx.has(k) ? ctx.constOf(k) : undefined));
  if (cs.every((c, k) => c || !ctx.has(k))) return foldArithmetic(ctx, cs.filter((c): c is ConstValue => !!c));
  return build(ctx);
};

export const OPS: Record<string, OpSpec> = {
  Conv: { build: buildConv, attrs: conv },
  ConvTranspose: { build: buildConvTranspose, attrs: [...conv, 'output_padding', 'output_shape'] },
  BatchNormalization: { build: buildBatchNorm, attrs: ['epsilon', 'momentum', 'training_mode', 'spatial'] },
  MaxPool: { build: buildMaxPool, attrs: pool },
  AveragePool: { build: buildAveragePool, attrs: [...pool, 'count_include_pad'] },
  GlobalAveragePool: { build: buildGlobalPool, attrs: [] },
  GlobalMaxPool: { build: buildGlobalPool, attrs: [] },
  Clip: { build: buildClip, attrs: ['min', 'max'], constInputs: [1, 2] },
  ...Object.fromEntries(Object.keys(UNARY).map((op) => [op, { build: op === 'Identity' ? buildIdentity : foldable(buildUnary), attrs: ['alpha', 'beta', 'approximate', 'ratio', 'seed', 'training_mode'] }])),
  ...Object.fromEntries(BINARY_OPS.map((op) => [op, { build: foldable(buildBinary), attrs: [] }])),
  MatMul: { build: buildMatMul, attrs: [] },
  Gemm: { build: buildGemm, attrs: ['alpha', 'beta', 'transA', 'transB'] },
  Concat: { build: buildConcat, attrs: ['axis'] },
  Split: { build: buildSplit, attrs: ['axis', 'split', 'num_outputs'], constInputs: [1] },
  Slice: { build: buildSlice, attrs: ['starts', 'ends', 'axes'], constInputs: [1, 2, 3, 4] },
  Reshape: { build: buildReshape, attrs: ['allowzero'], constInputs: [1] },
  Flatten: { build: buildFlatten, attrs: ['axis'] },
  Transpose: { build: buildTranspose, attrs: ['perm'] },
  Squeeze: { build: buildSqueeze, attrs: ['axes'], constInputs: [1] },
  Unsqueeze: { build: buildUnsqueeze, attrs: ['axes'], constInputs: [1] },
  Gather: { build: buildGather, attrs: ['axis'], constInputs: [1] },
  Resize: { build: buildResize, attrs: ['mode', 'coordinate_transformation_mode', 'nearest_mode', 'cubic_coeff_a', 'exclude_outside', 'extrapolation_value', 'antialias', 'axes', 'keep_aspect_ratio_policy'], constInputs: [1, 2, 3] },
  Upsample: { build: buildResize, attrs: ['mode', 'scales'], constInputs: [1] },
  Pad: { build: buildPad, attrs: ['mode', 'pads', 'value'], constInputs: [1, 2, 3] },
  ReduceMean: { build: buildReduce, attrs: ['axes', 'keepdims', 'noop_with_empty_axes'], constInputs: [1] },
  ReduceSum: { build: buildReduce, attrs: ['axes', 'keepdims', 'noop_with_empty_axes'], constInputs: [1] },
  ReduceMax: { build: buildReduce, attrs: ['axes', 'keepdims', 'noop_with_empty_axes'], constInputs: [1] },
  Softmax: { build: buildSoftmax, attrs: ['axis'] },
  LogSoftmax: { build: buildSoftmax, attrs: ['axis'] },
  Constant: { build: buildConstant, attrs: ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'] },
  Shape: { build: buildShape, attrs: ['start', 'end'] },
  ...Object.fromEntries(FOLD_ONLY.map((op) => [op, { build: buildFoldOnly, attrs: ['to', 'value', 'saturate'], constInputs: op === 'ConstantOfShape' ? [0] : [] }])),
};

/** The highest opset the converter was written against (opsets 11–18 are tested or covered). */
export const MAX_OPSET = 18;

/** Refuses the first node whose op, domain or attribute the table does not cover. Reads no weight. */
export function checkSupport(model: OnnxModel): void {
  const { opset } = model;
  if (opset < 7 || opset > MAX_OPSET) throw new OnnxError(`opset ${opset} is not supported (7–${MAX_OPSET}; export with opset_version between 11 and 17)`);
  for (const node of model.graph.nodes) {
    if (node.domain && node.domain !== 'ai.onnx') throw unsupported(node.opType, node.name, opset, `domain "${node.domain}" is not supported (only the standard ONNX ops)`);
    const spec = OPS[node.opType];
    if (!spec) throw unsupported(node.opType, node.name, opset, 'this op is not supported');
    for (const [name, a] of node.attrs) {
      if (!spec.attrs.includes(name)) throw unsupported(node.opType, node.name, opset, `attribute "${name}" is not supported`);
      if (a.type === 'other') throw unsupported(node.opType, node.name, opset, `attribute "${name}" is a graph or sparse tensor, not supported`);
    }
  }
}
