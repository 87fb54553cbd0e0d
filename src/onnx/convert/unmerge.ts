// torch.onnx.export merges parameters and buffers of equal values into one initialiser, the
// others read through Identity nodes that carry their own names: an untrained BatchNorm's running
// statistics (0s and 1s) are its shift and scale, or another BatchNorm's. Read that way a running
// statistic would be a run-time value (never moved in train mode) and a trainable copy. So each
// Identity over an initialiser that is, or feeds, a running statistic is undone here: its output
// becomes an initialiser of its own (the same data) that BatchNorm reads directly, and the planner
// gives it a role from its own readers. Other Identity nodes over initialisers (equal biases) stay:
// their layers hold trainable copies that train apart, as the parameters they stand for would.
import type { OnnxGraph, OnnxNode, OnnxTensor } from '../model';

export interface Unmerged {
  /** The graph's nodes less the Identity nodes undone. */
  readonly nodes: readonly OnnxNode[];
  /** The graph's initialisers and one more per Identity undone (named after its output). */
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  /** Initialisers the undone Identity nodes read (they may now have no reader). */
  readonly sources: ReadonlySet<string>;
}

/** Values read as BatchNorm's running mean or variance. */
function statistics(nodes: readonly OnnxNode[]): Set<string> {
  return new Set(nodes.flatMap((n) => (n.opType === 'BatchNormalization' ? n.inputs.slice(3, 5).filter((x) => x) : [])));
}

/** Undoes the Identity(initialiser) nodes whose output or input is read as a running statistic. */
export function unmergeStatistics(graph: OnnxGraph): Unmerged {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const initializers = new Map(graph.initializers);
  const stats = statistics(graph.nodes);
  const undo = new Set(graph.nodes.filter((n) => n.opType === 'Identity' && initializers.has(n.inputs[0]) && !!n.outputs[0] && !outputs.has(n.outputs[0])
    && !initializers.has(n.outputs[0]) && (stats.has(n.outputs[0]) || stats.has(n.inputs[0]))));
  const sources = new Set<string>();
  for (const n of undo) {
    initializers.set(n.outputs[0], { ...initializers.get(n.inputs[0])!, name: n.outputs[0] });
    sources.add(n.inputs[0]);
  }
  return { nodes: graph.nodes.filter((n) => !undo.has(n)), initializers, sources };
}
