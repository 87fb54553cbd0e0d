// The static sizing applied to a parsed graph model (src/byo/graphTeacher.ts calls it before the
// probe runs anything): refusals become ModelFileErrors naming the file; the sizes then group the
// probe's fetches and check what it returned.
import type * as tf from '@tensorflow/tfjs';
import { LIMITS } from '../../limits';
import { ModelFileError, type ParsedModel } from '../modelFiles';
import { ConstValues } from './constValues';
import { GraphSizingError, sizeGraph, type GraphNodeJson, type GraphSize } from './sizeGraph';
import { elements, showShape } from './symbolic';

/** Sizes every node of `parsed` for one probe input of `shape`; `keep`: the model's outputs. */
export function sizeGraphModel(parsed: ParsedModel, input: string, shape: readonly number[], dtype: string, keep: readonly string[]): GraphSize {
  const topo = parsed.artifacts.modelTopology as { node?: GraphNodeJson[] };
  const weights = parsed.artifacts.weightData;
  const data = weights instanceof ArrayBuffer ? weights : new ArrayBuffer(0);
  try {
    return sizeGraph(topo.node ?? [], new ConstValues((parsed.artifacts.weightSpecs ?? []) as tf.io.WeightsManifestEntry[], data), { name: input, shape, dtype }, keep);
  } catch (err) {
    if (err instanceof GraphSizingError) {
      throw new ModelFileError(parsed.modelFile, err.message.startsWith('uses op') ? err.message : `cannot be sized before it runs: ${err.message}`);
    }
    throw err;
  }
}

const bytesOf = (size: GraphSize, name: string): number => (size.outputs.get(name) ?? []).reduce((a, s) => a + elements(s.shape) * 4, 0);

/** The nodes to fetch in groups whose sized outputs together stay within the activation limit. */
export function fetchGroups(names: readonly string[], size: GraphSize): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const n of names) {
    const b = bytesOf(size, n);
    if (current.length && bytes + b > LIMITS.modelActivationBytes.value) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(n);
    bytes += b;
  }
  if (current.length) groups.push(current);
  return groups;
}

/** Refuses a node whose output came out larger than it was sized (the sizing is an upper bound). */
export function checkSized(file: string, node: string, shape: readonly number[], size: GraphSize): void {
  const s = size.outputs.get(node)?.[0];
  if (s && elements(shape) <= elements(s.shape)) return;
  throw new ModelFileError(file, `node ${JSON.stringify(node.slice(0, 80))} gave ${showShape(shape)}, larger than its static size ${s ? showShape(s.shape) : '(none)'}; it was not loaded`);
}
