// Every node of a graph model sized before anything runs: each node's output shapes inferred from
// the probe input's shape and the constants (computeOps.ts, shapeOps.ts), in dependency order
// (walked with a queue, so no depth of graph reaches the call stack), then the float32 bytes of
// the largest tensor and of the tensors alive at once (each freed after its last reader; model
// outputs kept). An op with no rule is refused by name: what cannot be sized is not run.
// Pure: no tfjs.
import { LIMITS, limitText } from '../../limits';
import { formatByteCount } from '../../messageNumbers';
import { Attrs } from './attrs';
import { COMPUTE_OPS, type OpRule } from './computeOps';
import type { ConstValues } from './constValues';
import { SHAPE_OPS } from './shapeOps';
import { elements, fail, GraphSizingError, showShape, sym, type Sym } from './symbolic';

export { GraphSizingError } from './symbolic';

const OP_RULES: Readonly<Record<string, OpRule>> = { ...COMPUTE_OPS, ...SHAPE_OPS };

/** Every op the static sizing knows (Const and Placeholder besides). */
export const SIZED_GRAPH_OPS: readonly string[] = ['Const', 'Placeholder', ...Object.keys(OP_RULES)];

export interface GraphNodeJson {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: unknown;
}

export interface GraphSize {
  /** Each node's outputs (shapes upper bounds where `bound`). */
  readonly outputs: ReadonlyMap<string, readonly Sym[]>;
  /** Float32 bytes of the largest tensor a node makes, and that node. */
  readonly largest: { readonly node: string; readonly bytes: number };
  /** Most bytes of node outputs alive at once (weights left out: the manifest caps them). */
  readonly peakBytes: number;
}

const BYTES = 4;
const q = (s: string) => JSON.stringify(s.slice(0, 80));

/** "name:1" → ["name", 1]; "^name" (a control input) → null. */
function ref(input: string): [string, number] | null {
  if (input.startsWith('^')) return null;
  const m = /^(.*):(\d+)$/.exec(input);
  return m ? [m[1], Number(m[2])] : [input, 0];
}

/** The nodes in an order where every input comes first; a cycle or a missing input is refused. */
function dependencyOrder(nodes: readonly GraphNodeJson[]): GraphNodeJson[] {
  const byName = new Map<string, GraphNodeJson>();
  for (const n of nodes) {
    if (byName.has(n.name)) fail(`two nodes are named ${q(n.name)}`);
    byName.set(n.name, n);
  }
  const waiting = new Map<string, number>();
  const readers = new Map<string, string[]>();
  for (const n of nodes) {
    const deps = new Set((n.input ?? []).map((i) => i.replace(/^\^/, '').replace(/:\d+$/, '')));
    for (const d of deps) {
      if (!byName.has(d)) fail(`node ${q(n.name)} reads ${q(d)}, which is not a node`);
      const list = readers.get(d);
      if (list) list.push(n.name);
      else readers.set(d, [n.name]);
    }
    waiting.set(n.name, deps.size);
  }
  const ready = nodes.filter((n) => waiting.get(n.name) === 0).map((n) => n.name);
  const order: GraphNodeJson[] = [];
  for (let i = 0; i < ready.length; i++) {
    order.push(byName.get(ready[i]) as GraphNodeJson);
    for (const r of readers.get(ready[i]) ?? []) {
      const left = (waiting.get(r) as number) - 1;
      waiting.set(r, left);
      if (left === 0) ready.push(r);
    }
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.find((n) => (waiting.get(n.name) ?? 0) > 0);
    fail(`node ${q(stuck?.name ?? '?')} is part of a cycle`);
  }
  return order;
}

/**
 * Sizes every node for one probe input (`input`: the Placeholder's name, the shape it is fed).
 * Throws a GraphSizingError naming the node when an op is unknown, a shape cannot be inferred, one
 * tensor is over the activation limit, or the tensors alive at once are.
 */
export function sizeGraph(nodes: readonly GraphNodeJson[], consts: ConstValues, input: { readonly name: string; readonly shape: readonly number[]; readonly dtype: string }, keep: readonly string[]): GraphSize {
  const order = dependencyOrder(nodes);
  const cap = LIMITS.modelActivationBytes.value;
  const outputs = new Map<string, Sym[]>();
  let largest = { node: '', bytes: 0 };
  for (const node of order) {
    const rule = OP_RULES[node.op];
    let outs: Sym[];
    try {
      if (node.op === 'Const') outs = [consts.sym(node.name, node.attr) ?? fail('it has no shape')];
      else if (node.op === 'Placeholder') outs = node.name === input.name ? [sym(input.shape, input.dtype)] : fail('it is a second input; a teacher takes one image input');
      else if (!rule) throw new GraphSizingError(`uses op ${q(node.op)} (node ${q(node.name)}), which the playground cannot size before running it: convert the model with common TensorFlow ops`);
      else {
        const ins = (node.input ?? []).flatMap((i) => {
          const r = ref(i);
          if (!r) return [];
          const s = outputs.get(r[0])?.[r[1]];
          return [s ?? fail(`it reads output ${r[1]} of ${q(r[0])}, which has ${outputs.get(r[0])?.length ?? 0}`)];
        });
        outs = rule({ ins, attrs: new Attrs(node.attr) });
      }
    } catch (err) {
      if (err instanceof GraphSizingError && !err.message.startsWith('uses op')) throw new GraphSizingError(`node ${q(node.name)} (${node.op.slice(0, 40)}): ${err.message}`);
      throw err;
    }
    if (node.op !== 'Const') {
      for (const s of outs) {
        const bytes = elements(s.shape) * BYTES;
        if (bytes > largest.bytes) largest = { node: node.name, bytes };
        if (bytes > cap) {
          throw new GraphSizingError(
            `node ${q(node.name)} (${node.op.slice(0, 40)}) would make a ${showShape(s.shape)} tensor of ${formatByteCount(bytes)} for one image, over ${limitText('modelActivationBytes')} on activations; nothing was run`,
          );
        }
      }
    }
    outputs.set(node.name, outs);
  }
  return { outputs, largest, peakBytes: peakLive(order, outputs, new Set(keep)) };

  function peakLive(ordered: readonly GraphNodeJson[], outs: ReadonlyMap<string, readonly Sym[]>, kept: ReadonlySet<string>): number {
    const lastUse = new Map<string, number>();
    ordered.forEach((n, i) => {
      for (const inp of n.input ?? []) {
        const r = ref(inp);
        if (r) lastUse.set(r[0], i);
      }
    });
    const freeAt = new Map<number, string[]>();
    for (const [idx, n] of ordered.entries()) {
      if (n.op === 'Const' || kept.has(n.name)) continue;
      const at = lastUse.get(n.name) ?? idx;
      const list = freeAt.get(at);
      if (list) list.push(n.name);
      else freeAt.set(at, [n.name]);
    }
    const bytesOf = (name: string) => (outs.get(name) ?? []).reduce((a, s) => a + elements(s.shape) * BYTES, 0);
    let live = 0;
    let peak = 0;
    ordered.forEach((n, i) => {
      if (n.op !== 'Const') live += bytesOf(n.name);
      peak = Math.max(peak, live);
      if (live > cap) {
        throw new GraphSizingError(
          `needs ${formatByteCount(live)} of tensors alive at once for one image (at node ${q(n.name)}), over ${limitText('modelActivationBytes')} on activations; nothing was run`,
        );
      }
      for (const done of freeAt.get(i) ?? []) live -= bytesOf(done);
    });
    return peak;
  }
}
