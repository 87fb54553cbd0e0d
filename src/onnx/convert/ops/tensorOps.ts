// Ops that move values around: Concat, Split, Slice, Gather, Reshape, Flatten, Transpose, Squeeze,
// Unsqueeze, Identity, Expand, Tile. Over constants each folds (../fold.ts); on run-time tensors
// Concat, Split and Slice keep an NHWC input in NHWC (the axis is remapped), the others work on
// the logical layout.
import * as tf from '@tensorflow/tfjs';
import { type Built, type BuildContext, meta, normAxis, runtimeAxis } from '../context';
import { foldConcat, foldGather, foldSlice, foldTranspose, reshaped, sliceRange } from '../fold';
import { asLogical, stepSlice } from '../layoutOps';
import { elementwiseLayout } from './elementwise';
import { BATCH, type ConstValue, type Dim } from '../types';

const constant = (c: ConstValue): Built => ({ reads: [], outputs: [{ shape: c.dims, layout: 'logical', constant: c }] });

function allConst(ctx: BuildContext): ConstValue[] | null {
  const cs: ConstValue[] = [];
  for (let k = 0; k < ctx.node.inputs.length; k++) {
    if (!ctx.has(k)) continue;
    const c = ctx.constOf(k);
    if (!c) return null;
    cs.push(c);
  }
  return cs;
}

export function buildConcat(ctx: BuildContext): Built {
  const axis = ctx.int('axis', 0);
  const cs = allConst(ctx);
  if (cs) return constant(foldConcat(ctx, cs, axis));
  const ins = ctx.node.inputs.map((_, k) => ctx.input(k));
  const rank = ins[0].shape.length;
  const a = normAxis(ctx, axis, rank);
  const shape = [...ins[0].shape];
  shape[a] = ins.reduce((s, m) => s + m.shape[a], 0);
  if (ins.some((m) => m.shape.length !== rank || m.shape.some((d, k) => k !== a && d !== shape[k]))) throw ctx.refuse('inputs of different shapes');
  const layout = elementwiseLayout(ins, rank);
  const ra = runtimeAxis(a, layout, rank);
  return { reads: ins.map((_, input) => ({ input, want: layout })), outputs: [meta(shape, layout)], run: (ts) => [tf.concat(ts, ra)] };
}

export function buildSplit(ctx: BuildContext): Built {
  const x = ctx.input(0);
  const a = normAxis(ctx, ctx.int('axis', 0), x.shape.length);
  const size = x.shape[a];
  const outs = ctx.node.outputs.length;
  let sizes = ctx.opset >= 13 ? (ctx.has(1) ? ctx.requireInts(1, 'split sizes') : undefined) : ctx.ints('split');
  if (!sizes) {
    const n = ctx.opset >= 18 ? ctx.int('num_outputs', outs) : outs;
    const each = Math.ceil(size / n);
    sizes = Array.from({ length: n }, (_, k) => Math.min(each, size - k * each));
  }
  if (size === BATCH || sizes.reduce((s, v) => s + v, 0) !== size) throw ctx.refuse(`split sizes ${sizes.join(',')} do not add up to the axis (${size})`);
  const ra = runtimeAxis(a, x.layout, x.shape.length);
  const shapes = sizes.map((s) => x.shape.map((d, k) => (k === a ? s : d)));
  return { reads: [{ input: 0, want: 'any' }], outputs: shapes.map((s) => ({ shape: s, layout: x.layout })), run: ([t]) => tf.split(t, sizes, ra) };
}

export function buildSlice(ctx: BuildContext): Built {
  const x = ctx.input(0);
  const rank = x.shape.length;
  let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = ctx.ints('starts') ?? [];
    ends = ctx.ints('ends') ?? [];
    axes = ctx.ints('axes');
  } else {
    starts = ctx.requireInts(1, 'starts');
    ends = ctx.requireInts(2, 'ends');
    axes = ctx.has(3) ? ctx.requireInts(3, 'axes') : undefined;
    steps = ctx.has(4) ? ctx.requireInts(4, 'steps') : undefined;
  }
  const ax = (axes ?? starts.map((_, k) => k)).map((v) => normAxis(ctx, v, rank));
  const ranges = new Map<number, { first: number; step: number; n: number }>();
  ax.forEach((a, k) => {
    const step = steps?.[k] ?? 1;
    if (step === 0) throw ctx.refuse('a step of 0');
    if (x.shape[a] === BATCH) {
      if (step === 1 && starts[k] === 0 && ends[k] >= 2 ** 31 - 1) return;
      throw ctx.refuse('slices the batch dimension');
    }
    ranges.set(a, sliceRange(starts[k], ends[k], step, x.shape[a]));
  });
  if (x.constant) return constant(foldSlice(ctx, x.constant, ranges));
  for (const r of ranges.values()) if (r.step < 0) throw ctx.refuse('a negative step on a tensor computed at run time');
  const shape: Dim[] = x.shape.map((d, k) => ranges.get(k)?.n ?? d);
  return {
    reads: [{ input: 0, want: 'any' }],
    outputs: [meta(shape, x.layout)],
    run: ([t]) => {
      let y = t;
      for (const [a, r] of ranges) y = stepSlice(y, runtimeAxis(a, x.layout, rank), r.first, r.step, r.n);
      return [y];
    },
  };
}

export function buildGather(ctx: BuildContext): Built {
  const data = ctx.input(0);
  const indices = ctx.requireIntsOrBatch(1, 'indices');
  const a = normAxis(ctx, ctx.int('axis', 0), data.shape.length);
  if (data.constant) return constant(foldGather(ctx, data.constant, indices, a));
  const size = data.shape[a];
  if (size === BATCH) throw ctx.refuse('gathers along the batch dimension');
  const idx = indices.values.map((v) => (v < 0 ? v + size : v));
  if (idx.some((v) => !(v >= 0 && v < size))) throw ctx.refuse(`indices outside an axis of ${size}`);
  const shape = [...data.shape.slice(0, a), ...indices.dims, ...data.shape.slice(a + 1)];
  // Slices and a concat: TF.js's Gather gradient needs UnsortedSegmentSum, which wasm lacks.
  return {
    reads: [{ input: 0, want: 'logical' }],
    outputs: [meta(shape)],
    run: ([t]) => {
      const parts = idx.map((i) => tf.slice(t, t.shape.map((_, k) => (k === a ? i : 0)), t.shape.map((d, k) => (k === a ? 1 : d))));
      const joined = parts.length === 1 ? parts[0] : tf.concat(parts, a);
      return [tf.reshape(joined, shape.map((d) => (d === BATCH ? t.shape[0] : d)))];
    },
  };
}

/** Reshape's target resolved against the input: 0 copies, -1 infers, NaN is the batch. */
function resolveTarget(ctx: BuildContext, input: readonly Dim[], target: readonly number[], allowZero: boolean): Dim[] {
  const INFER = -2;
  const out: Dim[] = target.map((v, k) => (Number.isNaN(v) ? BATCH : v === -1 ? INFER : v === 0 && !allowZero ? input[k] : v));
  const hasBatch = input.includes(BATCH);
  const known = input.reduce((a, d) => a * (d === BATCH ? 1 : d), 1);
  const explicit = out.reduce((a, d) => a * (d === INFER || d === BATCH ? 1 : d), 1);
  const batchOut = out.filter((d) => d === BATCH).length;
  const infer = out.indexOf(INFER);
  const bad = () => ctx.refuse(`cannot reshape [${input.join(',')}] to [${target.join(',')}]${hasBatch ? ' keeping the batch dimension apart' : ''}`);
  if (out.filter((d) => d === INFER).length > 1 || batchOut > 1 || (!hasBatch && batchOut > 0)) throw bad();
  if (hasBatch && batchOut === 0) {
    // No explicit batch entry: the -1 must be the batch (the other entries hold the rest).
    if (infer < 0 || explicit !== known) throw bad();
    out[infer] = BATCH;
  } else if (infer >= 0) {
    if (explicit === 0 || known % explicit !== 0) throw bad();
    out[infer] = known / explicit;
  }
  if (out.reduce((a, d) => a * (d === BATCH ? 1 : d), 1) !== known) throw bad();
  return out;
}

/** A shape change on the logical layout (Reshape, Flatten, Squeeze, Unsqueeze). */
function reshapeTo(ctx: BuildContext, shape: Dim[]): Built {
  const x = ctx.input(0);
  if (x.constant) return constant(reshaped(x.constant, shape));
  return {
    reads: [{ input: 0, want: 'any' }],
    outputs: [meta(shape)],
    run: ([t]) => [tf.reshape(asLogical(t, x), shape.map((d) => (d === BATCH ? t.shape[0] : d)))],
  };
}

export function buildReshape(ctx: BuildContext): Built {
  const target = ctx.requireIntsOrBatch(1, 'shape').values;
  return reshapeTo(ctx, resolveTarget(ctx, ctx.input(0).shape, target, ctx.int('allowzero', 0) === 1));
}

export function buildFlatten(ctx: BuildContext): Built {
  const s = ctx.input(0).shape;
  const axis = ctx.int('axis', 1);
  const a = axis < 0 ? axis + s.length : axis;
  const prod = (d: readonly Dim[]) => d.reduce((p, v) => p * (v === BATCH ? 1 : v), 1);
  const head = s.slice(0, a);
  if (s.slice(a).includes(BATCH) || (head.includes(BATCH) && prod(head) !== 1)) throw ctx.refuse(`flattening [${s.join(',')}] at axis ${axis} mixes the batch into another dimension`);
  return reshapeTo(ctx, [head.includes(BATCH) ? BATCH : prod(head), prod(s.slice(a))]);
}

export function buildSqueeze(ctx: BuildContext): Built {
  const s = ctx.input(0).shape;
  const axes = (ctx.opset >= 13 ? (ctx.has(1) ? ctx.requireInts(1, 'axes') : undefined) : ctx.ints('axes'))?.map((v) => normAxis(ctx, v, s.length));
  if (axes?.some((a) => s[a] !== 1)) throw ctx.refuse(`squeezes an axis of size ≠ 1 in [${s.join(',')}]`);
  return reshapeTo(ctx, s.filter((d, k) => (axes ? !axes.includes(k) : d !== 1)));
}

export function buildUnsqueeze(ctx: BuildContext): Built {
  const s = ctx.input(0).shape;
  const axes = ctx.opset >= 13 ? ctx.requireInts(1, 'axes') : (ctx.ints('axes') ?? []);
  const rank = s.length + axes.length;
  const norm = axes.map((v) => normAxis(ctx, v, rank)).sort((a, b) => a - b);
  const out: Dim[] = [...s];
  for (const a of norm) out.splice(a, 0, 1);
  return reshapeTo(ctx, out);
}

export function buildTranspose(ctx: BuildContext): Built {
  const x = ctx.input(0);
  const perm = ctx.ints('perm') ?? x.shape.map((_, k) => x.shape.length - 1 - k);
  if (x.constant) return constant(foldTranspose(ctx, x.constant, perm));
  const shape = perm.map((p) => x.shape[p]);
  return { reads: [{ input: 0, want: 'logical' }], outputs: [meta(shape)], run: ([t]) => [tf.transpose(t, perm)] };
}

export function buildIdentity(ctx: BuildContext): Built {
  const x = ctx.input(0);
  if (x.constant) return constant(x.constant);
  return { reads: [{ input: 0, want: 'any' }], outputs: [{ shape: x.shape, layout: x.layout }], run: ([t]) => [t] };
}
