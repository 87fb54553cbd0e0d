// What an op's converter sees of its node: input metadata, constants, attributes, refusals.
import { unsupported } from '../errors';
import type { OnnxAttr, OnnxNode } from '../model';
import type { ConstValue, Layout, Step, ValueMeta } from './types';

export type Built = Omit<Step, 'node'>;

export class BuildContext {
  constructor(
    readonly node: OnnxNode,
    readonly opset: number,
    private readonly metaOf: (name: string) => ValueMeta,
  ) {}

  /** Whether input k is given (ONNX marks an omitted optional input with ''). */
  has(k: number): boolean {
    return k < this.node.inputs.length && this.node.inputs[k] !== '';
  }

  input(k: number): ValueMeta {
    if (!this.has(k)) throw this.refuse(`input ${k} is missing`);
    return this.metaOf(this.node.inputs[k]);
  }

  constOf(k: number): ConstValue | undefined {
    return this.has(k) ? this.metaOf(this.node.inputs[k]).constant : undefined;
  }

  /** An input the converter needs as numbers before the graph runs (a shape, axes, scales). */
  requireConst(k: number, what: string): ConstValue {
    const c = this.constOf(k);
    if (!c) throw this.refuse(`its ${what} (input ${k}) is computed at run time; only constant ${what} are supported`);
    return c;
  }

  /** Like requireConst, and every value must be known (no batch-dependent entry). */
  requireKnown(k: number, what: string): number[] {
    const c = this.requireConst(k, what);
    if (c.values.some((v) => Number.isNaN(v))) throw this.refuse(`its ${what} depend on the batch size`);
    return [...c.values];
  }

  /** Like requireKnown, and every value an integer (shapes, axes, pads, starts: int64 in ONNX). */
  requireInts(k: number, what: string): number[] {
    const v = this.requireKnown(k, what);
    if (v.some((x) => !Number.isInteger(x))) throw this.refuse(`its ${what} are not integers`);
    return v;
  }

  /** Like requireConst, for integer values that may stand for the batch (NaN). */
  requireIntsOrBatch(k: number, what: string): ConstValue {
    const c = this.requireConst(k, what);
    if (c.values.some((x) => !Number.isNaN(x) && !Number.isInteger(x))) throw this.refuse(`its ${what} are not integers`);
    return c;
  }

  private attr(name: string): OnnxAttr | undefined {
    return this.node.attrs.get(name);
  }

  int(name: string, def: number): number {
    const a = this.attr(name);
    return a?.type === 'int' ? a.value : def;
  }

  float(name: string, def: number): number {
    const a = this.attr(name);
    return a?.type === 'float' ? a.value : a?.type === 'int' ? a.value : def;
  }

  str(name: string, def: string): string {
    const a = this.attr(name);
    return a?.type === 'string' ? a.value : def;
  }

  ints(name: string): number[] | undefined {
    const a = this.attr(name);
    return a?.type === 'ints' ? [...a.value] : a?.type === 'int' ? [a.value] : undefined;
  }

  refuse(what: string): Error {
    return unsupported(this.node.opType, this.node.name, this.opset, what);
  }
}

/** Normalises a possibly negative axis for a tensor of `rank`. */
export function normAxis(ctx: BuildContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw ctx.refuse(`axis ${axis} is outside a tensor of rank ${rank}`);
  return a;
}

/** The NHWC position of a logical (NCHW) axis of a 4-D value. */
export const NHWC_AXIS = [0, 3, 1, 2] as const;
export const TO_NHWC = [0, 2, 3, 1];
export const TO_LOGICAL = [0, 3, 1, 2];

/** A logical axis of a value as its run-time tensor numbers it. */
export function runtimeAxis(axis: number, layout: Layout, rank: number): number {
  return layout === 'nhwc' && rank === 4 ? NHWC_AXIS[axis] : axis;
}

export function meta(shape: readonly number[], layout: Layout = 'logical'): ValueMeta {
  return { shape, layout: shape.length === 4 ? layout : 'logical' };
}

/** Elements of a shape per image (the batch dimension counted once). */
export function perImage(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * (d < 0 ? 1 : d), 1);
}
