// The tensors of the module generated from an ONNX graph, keyed by the graph's initialiser names:
// what torch.onnx.export took from the user's module's parameter and buffer names, so the state
// dict loads into the generated module and (when every name is a module path) into the user's own
// class. Trained initialisers are parameters; BatchNorm's running statistics and the float
// initialisers the page keeps frozen (single values) are buffers; a BatchNorm whose statistics
// are named `<m>.running_mean` also gets `<m>.num_batches_tracked`, as nn.BatchNorm2d has.
//
// The page holds one copy of an initialiser per node that reads it, and trains each apart. So does
// the module: torch.onnx.export merges parameters of equal values (zero biases, fresh BatchNorm
// statistics) into one initialiser read through Identity nodes whose outputs carry the merged
// parameters' own names, and those names come back as keys. A copy read directly by a second node
// (a module called twice) is keyed `<name>__<k>`.
import type { Plan } from '../onnx/convert/plan';
import type { OnnxNode } from '../onnx/model';
import { DTYPE } from '../onnx/schema';
import { PytorchExportError } from './graph';

export interface OnnxModuleTensor {
  /** The state dict key. */
  readonly name: string;
  /** The initialiser it is a copy of ('' for a batch count). */
  readonly initialiser: string;
  /** The node whose copy it is (null for a batch count). */
  readonly reader: OnnxNode | null;
  readonly dims: readonly number[];
  readonly kind: 'parameter' | 'buffer';
  /** Its value: trained in the page's layers, the file's own (frozen there), or a batch count. */
  readonly from: 'layers' | 'file' | 'count';
}

export interface OnnxModuleTensors {
  readonly list: readonly OnnxModuleTensor[];
  /** The key of the copy `node` reads as its input `input`, when that is a tensor of the module. */
  key(node: OnnxNode, input: string): string | undefined;
  /** The `num_batches_tracked` key a BatchNormalization node counts its training batches in. */
  count(node: OnnxNode): string | undefined;
}

/** Child module of the generated Net that holds its non-persistent constants. */
export const CONSTANTS_CHILD = '_c';

const FLOATS = new Set<number>([DTYPE.FLOAT, DTYPE.DOUBLE, DTYPE.FLOAT16]);

/** Names that cannot all be attributes of one module tree ("a" and "a.b", empty segments). */
function treeConflicts(names: readonly string[]): string[] {
  const bad: string[] = [];
  const set = new Set(names);
  for (const n of names) {
    const parts = n.split('.');
    if (parts.some((p) => p === '')) bad.push(`"${n}": an empty name segment`);
    else if (parts[0] === CONSTANTS_CHILD) bad.push(`"${n}": "${CONSTANTS_CHILD}" holds the generated module's constants`);
    else {
      const prefix = parts.slice(0, -1).map((_, k) => parts.slice(0, k + 1).join('.')).find((p) => set.has(p));
      if (prefix) bad.push(`"${n}": "${prefix}" is a tensor, not a module`);
    }
  }
  return bad;
}

/** The module's tensors in graph order; throws PytorchExportError when the names cannot form a module tree. */
export function onnxModuleTensors(plan: Plan): OnnxModuleTensors {
  const list: OnnxModuleTensor[] = [];
  const keys = new Map<OnnxNode, Map<string, string>>();
  const inits = plan.model.graph.initializers;
  const taken = new Set<string>(inits.keys());
  const add = (node: OnnxNode, t: OnnxModuleTensor) => {
    list.push(t);
    if (t.reader) keys.set(node, (keys.get(node) ?? new Map<string, string>()).set(t.initialiser, t.name));
  };
  const direct = new Map<string, number>();
  const counts = new Map<OnnxNode, string>();
  // Values BatchNorm reads as running statistics: buffers (F.batch_norm updates them in place),
  // also when the export merged them with a parameter of equal value (a fresh BatchNorm's 0s and 1s).
  const statistics = new Set(plan.steps.flatMap((s) => (s.node.opType === 'BatchNormalization' ? s.node.inputs.slice(3, 5) : [])));
  for (const step of plan.steps) {
    const node = step.node;
    for (const r of step.reads) {
      const x = node.inputs[r.input];
      const p = plan.params.get(x);
      if (p) {
        const merged = node.opType === 'Identity' ? node.outputs[0] : '';
        const kind = p.role === 'statistic' || statistics.has(merged) ? 'buffer' : 'parameter';
        let name: string;
        if (merged && !taken.has(merged)) name = merged;
        else {
          const k = (direct.get(x) ?? 0) + 1;
          direct.set(x, k);
          name = k === 1 ? x : `${x}__${k}`;
        }
        taken.add(name);
        add(node, { name, initialiser: x, reader: node, dims: p.tensor.dims, kind, from: 'layers' });
      } else if (inits.has(x) && FLOATS.has(inits.get(x)!.dtype)) {
        if (!list.some((t) => t.name === x)) list.push({ name: x, initialiser: x, reader: null, dims: inits.get(x)!.dims, kind: 'buffer', from: 'file' });
        keys.set(node, (keys.get(node) ?? new Map<string, string>()).set(x, x));
      }
    }
    // The statistics' key: the initialiser's copy, or the merged tensor an Identity named.
    const mean = node.opType === 'BatchNormalization' ? keys.get(node)?.get(node.inputs[3]) ?? (list.some((t) => t.name === node.inputs[3]) ? node.inputs[3] : '') : '';
    if (mean.endsWith('.running_mean')) {
      const name = `${mean.slice(0, -'running_mean'.length)}num_batches_tracked`;
      if (!taken.has(name)) {
        taken.add(name);
        list.push({ name, initialiser: '', reader: null, dims: [], kind: 'buffer', from: 'count' });
        counts.set(node, name);
      }
    }
  }
  const bad = treeConflicts(list.map((t) => t.name));
  if (bad.length) throw new PytorchExportError(`cannot write the ONNX graph as a module: initialiser names ${bad.join('; ')}`, bad);
  return { list, key: (node, input) => keys.get(node)?.get(input), count: (node) => counts.get(node) };
}
