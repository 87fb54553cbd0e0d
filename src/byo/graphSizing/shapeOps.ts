// Output shapes of a graph's shape ops (Reshape, slices, concatenations, gathers, pads, …) and
// of the data-dependent ones (sized by their upper bound). Shape arithmetic on small int tensors
// (Shape → StridedSlice → Pack → Reshape) is carried through their values. Pure: no tfjs.
import { LIMITS } from '../../limits';
import { groupDigits } from '../../messageNumbers';
import { input, type OpContext, type OpRule } from './computeOps';
import { axisOf, elements, fail, intValues, showShape, sym, type Sym } from './symbolic';

/** Ops with one output per piece (Split, Unpack): at most as many as a graph has nodes. */
function pieces(n: number): number {
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= LIMITS.modelLayers.value)) fail(`it splits into ${groupDigits(n)} pieces, not 1 to ${groupDigits(LIMITS.modelLayers.value)}`);
  return n;
}

const reshape: OpRule = (c) => {
  const x = input(c, 0);
  const target = intValues(input(c, 1), 'shape');
  const known = target.filter((d) => d !== -1);
  if (target.length - known.length > 1 || known.some((d) => d < 0)) fail(`its shape ${showShape(target)} is not a shape`);
  const n = elements(x.shape);
  const rest = elements(known);
  const shape = target.map((d) => (d === -1 ? (rest === 0 ? 0 : n / rest) : d));
  if (!shape.every((d) => Number.isSafeInteger(d)) || elements(shape) !== n) fail(`it reshapes ${showShape(x.shape)} to ${showShape(target)}, which holds another number of elements`);
  return [sym(shape, x.dtype, x.value)];
};

const squeeze: OpRule = (c) => {
  const x = input(c, 0);
  const dims = (c.attrs.ints('squeeze_dims') ?? c.attrs.ints('axis') ?? []).map((a) => axisOf(a, x.shape.length));
  const drop = new Set(dims.length ? dims : x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  for (const i of drop) if (x.shape[i] !== 1) fail(`it squeezes axis ${i} of ${showShape(x.shape)}, which is not 1`);
  return [sym(x.shape.filter((_, i) => !drop.has(i)), x.dtype, x.value)];
};

const expandDims: OpRule = (c) => {
  const x = input(c, 0);
  const [axis] = intValues(input(c, 1), 'axis');
  const a = axisOf(axis, x.shape.length + 1);
  return [sym([...x.shape.slice(0, a), 1, ...x.shape.slice(a)], x.dtype, x.value)];
};

const transpose: OpRule = (c) => {
  const x = input(c, 0);
  const perm = intValues(input(c, 1), 'permutation');
  if (perm.length !== x.shape.length || new Set(perm.map((p) => axisOf(p, x.shape.length))).size !== perm.length) fail(`its permutation ${showShape(perm)} does not fit ${showShape(x.shape)}`);
  return [sym(perm.map((p) => x.shape[axisOf(p, x.shape.length)]), x.dtype)];
};

function concatAlong(parts: readonly Sym[], axisSym: Sym): Sym[] {
  if (!parts.length) fail('it concatenates nothing');
  const rank = parts[0].shape.length;
  const [axis] = intValues(axisSym, 'axis');
  const a = axisOf(axis, Math.max(rank, 1));
  let total = 0;
  for (const p of parts) {
    if (p.shape.length !== rank || p.shape.some((d, i) => i !== a && d !== parts[0].shape[i])) fail(`it concatenates ${showShape(parts[0].shape)} and ${showShape(p.shape)} on axis ${a}`);
    total += p.shape[a] ?? 1;
  }
  const value = rank <= 1 && parts.every((p) => p.value) ? parts.flatMap((p) => p.value as number[]) : undefined;
  return [sym(rank === 0 ? [total] : parts[0].shape.map((d, i) => (i === a ? total : d)), parts[0].dtype, value)];
}

const pack: OpRule = (c) => {
  const first = input(c, 0);
  for (const s of c.ins) if (s.shape.join() !== first.shape.join()) fail(`it stacks ${showShape(first.shape)} and ${showShape(s.shape)}`);
  const a = axisOf(c.attrs.int('axis', 0), first.shape.length + 1);
  const value = first.shape.length === 0 && c.ins.every((s) => s.value) ? c.ins.map((s) => (s.value as number[])[0]) : undefined;
  return [sym([...first.shape.slice(0, a), c.ins.length, ...first.shape.slice(a)], first.dtype, value)];
};

const unpack: OpRule = (c) => {
  const x = input(c, 0);
  const a = axisOf(c.attrs.int('axis', 0), x.shape.length);
  const n = pieces(x.shape[a]);
  const shape = x.shape.filter((_, i) => i !== a);
  return Array.from({ length: n }, (_, k) => sym(shape, x.dtype, x.shape.length === 1 && x.value ? [x.value[k]] : undefined));
};

const split: OpRule = (c) => {
  const [axis] = intValues(input(c, 0), 'axis');
  const x = input(c, 1);
  const a = axisOf(axis, x.shape.length);
  const n = pieces(c.attrs.int('num_split', 1));
  if (x.shape[a] % n !== 0) fail(`it splits ${x.shape[a]} into ${n} equal parts`);
  return Array.from({ length: n }, () => sym(x.shape.map((d, i) => (i === a ? d / n : d)), x.dtype));
};

const splitV: OpRule = (c) => {
  const x = input(c, 0);
  const sizes = intValues(input(c, 1), 'split sizes');
  const [axis] = intValues(input(c, 2), 'axis');
  const a = axisOf(axis, x.shape.length);
  pieces(sizes.length);
  const known = sizes.filter((s) => s !== -1).reduce((p, s) => p + s, 0);
  const filled = sizes.map((s) => (s === -1 ? x.shape[a] - known : s));
  if (filled.some((s) => s < 0) || filled.reduce((p, s) => p + s, 0) !== x.shape[a]) fail(`its sizes ${showShape(sizes)} do not split ${x.shape[a]}`);
  return filled.map((s) => sym(x.shape.map((d, i) => (i === a ? s : d)), x.dtype));
};

const slice: OpRule = (c) => {
  const x = input(c, 0);
  const begin = intValues(input(c, 1), 'begin');
  const size = intValues(input(c, 2), 'size');
  if (begin.length !== x.shape.length || size.length !== x.shape.length) fail(`its begin/size do not fit ${showShape(x.shape)}`);
  const shape = x.shape.map((d, i) => {
    const s = size[i] === -1 ? d - begin[i] : size[i];
    if (begin[i] < 0 || s < 0 || begin[i] + s > d) fail(`it slices ${showShape(x.shape)} outside its bounds`);
    return s;
  });
  const value = x.shape.length === 1 && x.value ? x.value.slice(begin[0], begin[0] + shape[0]) : undefined;
  return [sym(shape, x.dtype, value)];
};

/** TF's StridedSlice on a static shape: masks, negative indices and strides, new and shrunk axes. */
const stridedSlice: OpRule = (c) => {
  const x = input(c, 0);
  const begin = intValues(input(c, 1), 'begin');
  const end = intValues(input(c, 2), 'end');
  const strides = intValues(input(c, 3), 'strides');
  const n = begin.length;
  if (end.length !== n || strides.length !== n) fail('its begin, end and strides differ in length');
  const bit = (name: string, i: number) => ((c.attrs.int(name, 0) >> i) & 1) === 1;
  let ellipsis = -1;
  for (let i = 0; i < n; i++) if (bit('ellipsis_mask', i)) ellipsis = ellipsis < 0 ? i : ellipsis;
  const real = Array.from({ length: n }, (_, i) => i).filter((i) => i !== ellipsis && !bit('new_axis_mask', i)).length;
  const rank = x.shape.length;
  if (real > rank) fail(`it slices ${n} axes of ${showShape(x.shape)}`);
  const out: number[] = [];
  const picks: { dim: number; begin: number; stride: number; len: number }[] = [];
  let dim = 0;
  for (let i = 0; i < n; i++) {
    if (i === ellipsis) {
      for (let k = 0; k < rank - real; k++, dim++) out.push(x.shape[dim]);
      continue;
    }
    if (bit('new_axis_mask', i)) {
      out.push(1);
      continue;
    }
    const size = x.shape[dim];
    if (bit('shrink_axis_mask', i)) {
      const b = begin[i] < 0 ? begin[i] + size : begin[i];
      if (!(b >= 0 && b < size)) fail(`it takes index ${begin[i]} of an axis of ${size}`);
      picks.push({ dim, begin: b, stride: 1, len: 1 });
      dim++;
      continue;
    }
    const stride = strides[i];
    if (stride === 0) fail('it has a stride of 0');
    const norm = (v: number) => (v < 0 ? v + size : v);
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const b = bit('begin_mask', i) ? (stride > 0 ? 0 : size - 1) : stride > 0 ? clamp(norm(begin[i]), 0, size) : clamp(norm(begin[i]), -1, size - 1);
    const e = bit('end_mask', i) ? (stride > 0 ? size : -1) : stride > 0 ? clamp(norm(end[i]), 0, size) : clamp(norm(end[i]), -1, size - 1);
    const len = Math.max(0, Math.ceil((e - b) / stride));
    out.push(len);
    picks.push({ dim, begin: b, stride, len });
    dim++;
  }
  for (; dim < rank; dim++) out.push(x.shape[dim]);
  let value: number[] | undefined;
  if (rank === 1 && x.value && picks.length === 1) {
    const p = picks[0];
    value = Array.from({ length: p.len }, (_, k) => (x.value as number[])[p.begin + k * p.stride]);
  }
  return [sym(out, x.dtype, value)];
};

function padded(c: OpContext, paddingsAt: number): Sym[] {
  const x = input(c, 0);
  const p = intValues(input(c, paddingsAt), 'paddings');
  if (p.length !== 2 * x.shape.length || p.some((v) => v < 0)) fail(`its paddings do not fit ${showShape(x.shape)}`);
  return [sym(x.shape.map((d, i) => d + p[2 * i] + p[2 * i + 1]), x.dtype)];
}

const tile: OpRule = (c) => {
  const x = input(c, 0);
  const m = intValues(input(c, 1), 'multiples');
  if (m.length !== x.shape.length || m.some((v) => v < 0)) fail(`its multiples ${showShape(m)} do not fit ${showShape(x.shape)}`);
  return [sym(x.shape.map((d, i) => d * m[i]), x.dtype)];
};

const fill: OpRule = (c) => {
  const shape = intValues(input(c, 0), 'shape');
  const v = input(c, 1);
  const n = shape.every((d) => d >= 0) ? elements(shape) : NaN;
  const value = v.value && n <= LIMITS.modelGraphValues.value ? Array.from({ length: n }, () => (v.value as number[])[0]) : undefined;
  return [sym(shape, v.dtype, value)];
};

const range: OpRule = (c) => {
  const [start] = intValues(input(c, 0), 'start');
  const [limit] = intValues(input(c, 1), 'limit');
  const [delta] = intValues(input(c, 2), 'delta');
  if (delta === 0) fail('its delta is 0');
  const n = Math.max(0, Math.ceil((limit - start) / delta));
  const value = n <= LIMITS.modelGraphValues.value ? Array.from({ length: n }, (_, i) => start + i * delta) : undefined;
  return [sym([n], input(c, 0).dtype, value)];
};

const gather = (axisAt: number | null): OpRule => (c) => {
  const params = input(c, 0);
  const indices = input(c, 1);
  const [axis] = axisAt === null ? [0] : intValues(input(c, axisAt), 'axis');
  const a = axisOf(axis, params.shape.length);
  const batchDims = c.attrs.int('batch_dims', 0);
  const shape = [...params.shape.slice(0, a), ...indices.shape.slice(batchDims), ...params.shape.slice(a + 1)];
  let value: number[] | undefined;
  if (params.shape.length === 1 && params.value && indices.value) {
    value = indices.value.map((i) => (params.value as number[])[i < 0 ? i + params.value!.length : i]);
    if (value.some((v) => v === undefined)) fail('it gathers outside its input');
  }
  return [sym(shape, params.dtype, value)];
};

const topK: OpRule = (c) => {
  const x = input(c, 0);
  const [k] = intValues(input(c, 1), 'k');
  const last = x.shape[x.shape.length - 1];
  if (!(k >= 0 && k <= last)) fail(`its k ${k} is outside 0 to ${last}`);
  const shape = [...x.shape.slice(0, -1), k];
  return [sym(shape, x.dtype), sym(shape, 'int32')];
};

const oneHot: OpRule = (c) => {
  const indices = input(c, 0);
  const [depth] = intValues(input(c, 1), 'depth');
  const axis = c.attrs.int('axis', -1);
  const a = axis === -1 ? indices.shape.length : axisOf(axis, indices.shape.length + 1);
  return [sym([...indices.shape.slice(0, a), depth, ...indices.shape.slice(a)], input(c, 2).dtype)];
};

const depthToSpace: OpRule = (c) => {
  const x = input(c, 0);
  const b = c.attrs.int('block_size', 0);
  if (x.shape.length !== 4 || !(b >= 1) || x.shape[3] % (b * b) !== 0) fail(`its block ${b} does not fit ${showShape(x.shape)}`);
  return [sym([x.shape[0], x.shape[1] * b, x.shape[2] * b, x.shape[3] / (b * b)], x.dtype)];
};

const spaceToDepth: OpRule = (c) => {
  const x = input(c, 0);
  const b = c.attrs.int('block_size', 0);
  if (x.shape.length !== 4 || !(b >= 1) || x.shape[1] % b !== 0 || x.shape[2] % b !== 0) fail(`its block ${b} does not fit ${showShape(x.shape)}`);
  return [sym([x.shape[0], x.shape[1] / b, x.shape[2] / b, x.shape[3] * b * b], x.dtype)];
};

/** NonMaxSuppression V3/V4/V5: at most max_output_size of the boxes (an upper bound). */
const nms = (extra: 'none' | 'valid' | 'scores'): OpRule => (c) => {
  const boxes = input(c, 0);
  const [max] = intValues(input(c, 2), 'max_output_size');
  const k = Math.max(0, Math.min(max, boxes.shape[0] ?? 0));
  const selected = sym([k], 'int32', undefined, true);
  if (extra === 'none') return [selected];
  if (extra === 'valid') return [selected, sym([], 'int32')];
  return [selected, sym([k], 'float32', undefined, true), sym([], 'int32')];
};

const cropAndResize: OpRule = (c) => {
  const image = input(c, 0);
  const boxes = input(c, 1);
  const size = intValues(input(c, 3), 'crop size');
  if (image.shape.length !== 4 || boxes.shape.length !== 2 || size.length !== 2) fail('its image, boxes or crop size has the wrong rank');
  return [sym([boxes.shape[0], size[0], size[1], image.shape[3]], 'float32')];
};

/** Shape ops by name. */
export const SHAPE_OPS: Readonly<Record<string, OpRule>> = {
  Shape: (c) => {
    const x = input(c, 0);
    return [sym([x.shape.length], 'int32', x.bound ? undefined : [...x.shape])];
  },
  Size: (c) => [sym([], 'int32', input(c, 0).bound ? undefined : [elements(input(c, 0).shape)])],
  Rank: (c) => [sym([], 'int32', [input(c, 0).shape.length])],
  Reshape: reshape,
  Squeeze: squeeze,
  ExpandDims: expandDims,
  Transpose: transpose,
  ConcatV2: (c) => concatAlong(c.ins.slice(0, -1), input(c, c.ins.length - 1)),
  Concat: (c) => concatAlong(c.ins.slice(1), input(c, 0)),
  Pack: pack,
  Unpack: unpack,
  Split: split,
  SplitV: splitV,
  Slice: slice,
  StridedSlice: stridedSlice,
  Pad: (c) => padded(c, 1),
  PadV2: (c) => padded(c, 1),
  MirrorPad: (c) => padded(c, 1),
  Tile: tile,
  Fill: fill,
  Range: range,
  GatherV2: gather(2),
  Gather: gather(null),
  TopKV2: topK,
  OneHot: oneHot,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  BroadcastTo: (c) => [sym(intValues(input(c, 1), 'shape'), input(c, 0).dtype)],
  Where: (c) => [sym([elements(input(c, 0).shape), input(c, 0).shape.length], 'int32', undefined, true)],
  NonMaxSuppressionV3: nms('none'),
  NonMaxSuppressionV4: nms('valid'),
  NonMaxSuppressionV5: nms('scores'),
  CropAndResize: cropAndResize,
  NoOp: () => [],
};
