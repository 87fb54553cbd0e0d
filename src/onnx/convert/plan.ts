// The conversion plan: the graph's nodes in order, each converted (./registry.ts) with every
// value's shape, layout and constant known before anything runs. Checks the limits on what the
// graph computes (activation bytes per image, input side) from these shapes, and decides what
// each initialiser becomes: a trainable weight, a running statistic, or a constant.
import { LIMITS, limitText } from '../../limits';
import { OnnxError } from '../errors';
import type { OnnxModel, OnnxNode, OnnxTensor } from '../model';
import { DTYPE } from '../schema';
import { type ExternalFiles, elementCount, readFloats, readNumbers } from '../tensorData';
import { BuildContext, perImage } from './context';
import { FOLD_MAX_ELEMENTS } from './fold';
import { checkSupport, OPS } from './registry';
import { BATCH, type ConstValue, type Step, type ValueMeta } from './types';
import { unmergeStatistics } from './unmerge';

/** What an initialiser becomes. 'kernel': a conv weight, stored HWIO. */
export type ParamRole = 'weight' | 'kernel' | 'statistic';

export interface ParamPlan {
  readonly tensor: OnnxTensor;
  readonly role: ParamRole;
}

export interface Plan {
  /** The file's model as decoded (the writer encodes its graph again). */
  readonly model: OnnxModel;
  readonly input: { readonly name: string; readonly channels: number; readonly height: number; readonly width: number; readonly fixedBatch: number | null };
  readonly outputs: readonly string[];
  readonly steps: readonly Step[];
  readonly meta: ReadonlyMap<string, ValueMeta>;
  /**
   * The trained initialisers: the file's, and one per running statistic the export merged with
   * another initialiser (./unmerge.ts), named after the Identity output that read it.
   */
  readonly params: ReadonlyMap<string, ParamPlan>;
  /** Per-image float32 bytes of every value the graph computes. */
  readonly activationBytes: number;
}

export interface PlanOptions {
  /** Input height and width when the file leaves them open (dynamic axes). */
  readonly inputSize?: readonly [number, number];
}

/** Nodes in an order where every input is computed first (Kahn's algorithm, no recursion). */
function topoOrder(nodes: readonly OnnxNode[], known: ReadonlySet<string>): OnnxNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  const waiting = nodes.map((n) => new Set(n.inputs.filter((x) => x && !known.has(x) && producer.has(x)).map((x) => producer.get(x)!)));
  const users = nodes.map(() => [] as number[]);
  waiting.forEach((deps, i) => deps.forEach((d) => users[d].push(i)));
  const ready = waiting.flatMap((d, i) => (d.size === 0 ? [i] : []));
  const order: OnnxNode[] = [];
  while (ready.length) {
    const i = ready.shift()!;
    order.push(nodes[i]);
    for (const u of users[i]) {
      waiting[u].delete(i);
      if (waiting[u].size === 0) ready.push(u);
    }
  }
  if (order.length !== nodes.length) throw new OnnxError('the graph has a cycle');
  return order;
}

function inputOf(model: OnnxModel, options: PlanOptions): Plan['input'] {
  const inputs = model.graph.inputs;
  if (inputs.length !== 1) throw new OnnxError(`${inputs.length} graph inputs; one image input is supported`);
  const v = inputs[0];
  if (v.elemType !== DTYPE.FLOAT) throw new OnnxError(`input "${v.name}" is not float32`);
  if (!v.shape || v.shape.length !== 4) throw new OnnxError(`input "${v.name}" is not an image batch [N, C, H, W]`);
  const [n, c, h, w] = v.shape;
  const size = (d: number | string | null, k: 0 | 1) => (typeof d === 'number' && d > 0 ? d : options.inputSize?.[k]);
  const height = size(h, 0), width = size(w, 1);
  if (typeof c !== 'number' || c < 1 || c > 64) throw new OnnxError(`input "${v.name}" has ${String(c)} channels`);
  if (!height || !width) throw new OnnxError(`input "${v.name}" leaves its height and width open: export with a fixed input size (no dynamic H, W)`);
  if (height > LIMITS.modelInputSide.value || width > LIMITS.modelInputSide.value) throw new OnnxError(`input "${v.name}" is ${height}×${width}: over ${limitText('modelInputSide')}`);
  return { name: v.name, channels: c, height, width, fixedBatch: typeof n === 'number' && n > 0 ? n : null };
}

/** What each initialiser is, from the ops that consume it (no data is read); 'unread' when none does. */
function paramRoles(nodes: readonly OnnxNode[], initializers: ReadonlyMap<string, OnnxTensor>): Map<string, ParamRole | 'constant' | 'unread'> {
  const roles = new Map<string, ParamRole | 'constant' | 'unread'>();
  const uses = new Map<string, { op: string; slot: number }[]>();
  for (const n of nodes) n.inputs.forEach((x, slot) => initializers.has(x) && uses.set(x, [...(uses.get(x) ?? []), { op: n.opType, slot }]));
  for (const [name, t] of initializers) {
    const u = uses.get(name) ?? [];
    if (!u.length) {
      roles.set(name, 'unread');
      continue;
    }
    const constSlot = (w: { op: string; slot: number }) => OPS[w.op]?.constInputs?.includes(w.slot) ?? false;
    const float = t.dtype === DTYPE.FLOAT || t.dtype === DTYPE.DOUBLE || t.dtype === DTYPE.FLOAT16;
    if (!float || elementCount(t.dims) <= 1 || u.every(constSlot)) {
      roles.set(name, 'constant');
      continue;
    }
    const kernel = u.filter((w) => (w.op === 'Conv' || w.op === 'ConvTranspose') && w.slot === 1).length;
    if (kernel > 0 && kernel !== u.length) throw new OnnxError(`initialiser "${name}" is a convolution's weight and also used elsewhere; not supported`);
    roles.set(name, kernel ? 'kernel' : u.some((w) => w.op === 'BatchNormalization' && w.slot >= 3) ? 'statistic' : 'weight');
  }
  return roles;
}

/** Plans the conversion; throws OnnxError naming the op, node and opset of anything unsupported. */
export function planConversion(model: OnnxModel, options: PlanOptions = {}, external: ExternalFiles = new Map()): Plan {
  checkSupport(model);
  const input = inputOf(model, options);
  const { nodes, initializers } = unmergeStatistics(model.graph);
  const roles = paramRoles(nodes, initializers);
  const meta = new Map<string, ValueMeta>();
  const batch = input.fixedBatch ?? BATCH;
  meta.set(input.name, { shape: [batch, input.channels, input.height, input.width], layout: 'nhwc' });
  const params = new Map<string, ParamPlan>();
  for (const [name, t] of initializers) {
    const role = roles.get(name)!;
    if (role === 'unread') continue;
    if (role === 'constant') {
      if (elementCount(t.dims) > FOLD_MAX_ELEMENTS) throw new OnnxError(`initialiser "${name}" (${t.dims.join('×')}) is read as a constant: too large`);
      const int = t.dtype !== DTYPE.FLOAT && t.dtype !== DTYPE.DOUBLE && t.dtype !== DTYPE.FLOAT16;
      const values: ConstValue = { values: int ? readNumbers(t, external) : Array.from(readFloats(t, external)), dims: t.dims, int };
      meta.set(name, { shape: t.dims, layout: 'logical', constant: values });
    } else {
      params.set(name, { tensor: t, role });
      meta.set(name, { shape: t.dims, layout: 'logical' });
    }
  }
  const known = new Set(meta.keys());
  const order = topoOrder(nodes, known);
  const steps: Step[] = [];
  let activationBytes = 0;
  const metaOf = (name: string): ValueMeta => {
    const m = meta.get(name);
    if (!m) throw new OnnxError(`value "${name}" is used before any node computes it`);
    return m;
  };
  for (const node of order) {
    const built = OPS[node.opType].build(new BuildContext(node, model.opset, metaOf));
    node.outputs.forEach((o, k) => {
      if (!o) return;
      const m = built.outputs[k];
      if (!m) throw new OnnxError(`${node.opType} node "${node.name}" (opset ${model.opset}): output ${k} is not supported`);
      if (m.shape.some((d) => !(Number.isInteger(d) && (d > 0 || d === BATCH || (d === 0 && m.constant))))) throw new OnnxError(`${node.opType} node "${node.name}": a shape of [${m.shape.join(',')}]`);
      meta.set(o, m);
      if (!m.constant) activationBytes += perImage(m.shape) * 4;
    });
    if (activationBytes > LIMITS.modelActivationBytes.value) throw new OnnxError(`its values take over ${limitText('modelActivationBytes')} per image (at node "${node.name}")`);
    if (built.run) steps.push({ node, ...built });
  }
  const outputs = model.graph.outputs.map((o) => o.name);
  for (const o of outputs) if (!meta.has(o)) throw new OnnxError(`graph output "${o}" is not computed by any node`);
  if (outputs.some((o) => meta.get(o)!.constant)) throw new OnnxError('a graph output is a constant');
  return { model, input, outputs, steps, meta, params, activationBytes };
}
