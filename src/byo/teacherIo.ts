// What a user's teacher takes and gives, read from the model file: the input's side, layout
// (NHWC or NCHW) and value range, with a suggestion and the reason for it; and each output's
// shape and how its values are read (probabilities, logits, values), which the label-free
// objective compares. Pure: no tensors (the graph loader passes what it found).
import { KIND_TEXT, wholeOutput, type OutputKind, type OutputSpec } from '../maskd/consistency';
import { ModelFileError } from './modelFiles';
import { shapeText } from '../messageQuote';

/** Value range of the images a model expects (the playground's are [0, 1]). */
export type InputRange = '0-1' | '-1-1' | '0-255';
export type InputLayout = 'NHWC' | 'NCHW';

export const RANGE_TEXT: Readonly<Record<InputRange, string>> = { '0-1': '[0, 1]', '-1-1': '[−1, 1]', '0-255': '[0, 255]' };

export interface InputPlan {
  /** Square side of the images. */
  readonly size: number;
  readonly layout: InputLayout;
  readonly layoutWhy: string;
  readonly range: InputRange;
  /** The range read from the model (what `range` is unless asked otherwise). */
  readonly suggestedRange: InputRange;
  readonly rangeWhy: string;
  /** The model's batch dimension is fixed at 1: a batch runs one image at a time. */
  readonly batchFixed: boolean;
}

/** One output of a teacher, as the page lists it. */
export interface TeacherOutput {
  readonly name: string;
  /** Shape without the batch dimension, NHWC for maps; null when unknown. */
  readonly shape: readonly number[] | null;
  /** A static [H, W, C] map: compared by the label-free objective and imitated by the student. */
  readonly dense: boolean;
  readonly kind: OutputKind;
  /** How it is used, in words. */
  readonly use: string;
}

/** An op that reads the input first, with its scalar operand when it has one. */
export interface FirstOp {
  readonly op: string;
  readonly constant: number | null;
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(b));

/** Guesses the value range from what the graph does to its input first. */
export function suggestRange(dtype: string, first: readonly FirstOp[]): { range: InputRange; why: string } {
  if (dtype === 'int32') return { range: '0-255', why: 'the input is int32 (8-bit pixel values)' };
  for (const { op, constant: c } of first) {
    if (c === null) continue;
    if ((op === 'Mul' && (near(c, 1 / 255) || near(c, 1 / 127.5))) || (op === 'RealDiv' && (near(c, 255) || near(c, 127.5)))) {
      return { range: '0-255', why: `the graph scales its input itself (${op} by ${Number(c.toPrecision(4))})` };
    }
    if ((op === 'Sub' || op === 'Add') && (near(Math.abs(c), 127.5) || near(Math.abs(c), 128))) {
      return { range: '0-255', why: `the graph centres its input itself (${op} ${Number(c.toPrecision(4))})` };
    }
    if ((op === 'Sub' && near(c, 0.5)) || (op === 'Add' && near(c, -0.5))) return { range: '0-1', why: `the graph centres its input itself (${op} ${c})` };
  }
  return { range: '0-1', why: 'the model does not normalise its input itself; [0, 1] is what most TF.js image models take (check the model’s documentation)' };
}

/**
 * The input plan of a declared input shape ([N, H, W, 3] or [N, 3, H, W]), or a ModelFileError.
 * `asked` overrides the layout and range read from the model.
 */
export function inputPlan(
  file: string,
  shape: readonly (number | null)[],
  dtype: string,
  first: readonly FirstOp[],
  asked: { readonly range?: InputRange; readonly layout?: InputLayout } = {},
): InputPlan {
  const [n, a, b, c] = shape;
  let layout: InputLayout;
  let layoutWhy: string;
  if (asked.layout) {
    layout = asked.layout;
    layoutWhy = 'as asked';
  } else if (c === 3 || c === null) {
    layout = 'NHWC';
    layoutWhy = c === 3 ? 'channels last: the input is [N, H, W, 3]' : 'the channel axis is open; channels last assumed';
  } else if (a === 3) {
    layout = 'NCHW';
    layoutWhy = 'channels first: the input is [N, 3, H, W]';
  } else {
    throw new ModelFileError(file, `takes ${shapeText(shape.map((d) => d ?? 'N'))}: neither [N,H,W,3] nor [N,3,H,W]; the playground's images are RGB`);
  }
  const [h, w] = layout === 'NHWC' ? [a, b] : [b, c];
  const ch = layout === 'NHWC' ? c : a;
  if (ch !== null && ch !== 3) {
    throw new ModelFileError(file, `takes ${ch}-channel images in ${layout} (${shapeText(shape.map((d) => d ?? 'N'))}); the playground's images are RGB (3 channels)`);
  }
  const size = h ?? w ?? 64;
  const suggested = suggestRange(dtype, first);
  return {
    size,
    layout,
    layoutWhy,
    range: asked.range ?? suggested.range,
    suggestedRange: suggested.range,
    rangeWhy: asked.range ? 'as asked' : suggested.why,
    batchFixed: n === 1,
  };
}

/** How a graph output (or a layers model's output with this final activation) is read. */
export function outputKind(name: string, shape: readonly number[] | null, op: string): TeacherOutput {
  const dense = shape !== null && shape.length === 3 && shape.every((d) => Number.isInteger(d) && d > 0);
  const kind: OutputKind = op === 'Sigmoid' || op === 'sigmoid' ? 'sigmoid' : op === 'Softmax' || op === 'softmax' ? 'softmax' : 'regression';
  const shown = shape ? `[N,${shape.join(',')}]` : 'of unknown shape';
  const use = dense ? KIND_TEXT[kind] : `not compared: ${shown} is not a dense [N,H,W,C] map (post-processing?)`;
  return { name, shape, dense, kind, use };
}

/** The objective's specs of a teacher's dense outputs. */
export function outputSpecs(outputs: readonly TeacherOutput[]): OutputSpec[] {
  return outputs.filter((o) => o.dense).map((o) => wholeOutput(o.name, o.shape as number[], o.kind));
}
