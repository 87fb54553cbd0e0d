// A loaded model as a plain graph of layers (or graph-model nodes) with output shapes, and the
// decisions made on it: which layers can be the tap (4-D, a clean cut: the head reads nothing
// else), which one to suggest, whether the input fits the demo data and the output its labels.
// Pure: built from a LayersModel or GraphModel by the loaders, tested in Node.
import { DET_HEAT_CHANNELS, NET_STRIDE, SEG_CLASSES, type Task } from '../models/nets';
import { quote } from '../messageQuote';

export interface LayerNode {
  readonly name: string;
  /** Layer class (Conv2D, …) or graph op (Relu, …). */
  readonly kind: string;
  /** Output shape with the batch dimension (null when unknown). */
  readonly shape: readonly (number | null)[] | null;
  readonly inputs: readonly string[];
}

export interface ModelGraph {
  /** Topological order, inputs first. */
  readonly nodes: readonly LayerNode[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface LayerRow {
  readonly name: string;
  readonly kind: string;
  readonly shape: readonly (number | null)[] | null;
  /** Input side / output side, for 4-D outputs of static size. */
  readonly stride: number | null;
  /** Null when the layer can be the tap; else why not. */
  readonly notTap: string | null;
}

/** Null when cutting at `tap` leaves a head that reads the tap alone; else the reason. */
export function cutProblem(graph: ModelGraph, tap: string): string | null {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  if (!byName.has(tap)) return `there is no layer ${quote(tap)}`;
  if (graph.outputs.includes(tap)) return `${quote(tap)} is a model output, so the head would be empty`;
  if (graph.inputs.includes(tap)) return `${quote(tap)} is the model input`;
  // Every node computed from the tap (forward from it), then a walk back from the outputs; both
  // with explicit stacks, so a chain of thousands of nodes costs no call depth.
  const consumers = new Map<string, string[]>();
  for (const n of graph.nodes) {
    for (const i of n.inputs) {
      const list = consumers.get(i);
      if (list) list.push(n.name);
      else consumers.set(i, [n.name]);
    }
  }
  const fromTapSet = new Set<string>([tap]);
  const forward = [tap];
  while (forward.length) {
    for (const c of consumers.get(forward.pop() as string) ?? []) {
      if (!fromTapSet.has(c)) {
        fromTapSet.add(c);
        forward.push(c);
      }
    }
  }
  const seen = new Set<string>();
  const visit = (start: string): string | null => {
    const stack = [start];
    while (stack.length) {
      const name = stack.pop() as string;
      if (name === tap || seen.has(name)) continue;
      seen.add(name);
      const node = byName.get(name);
      if (!node) continue;
      for (const inp of node.inputs) {
        if (!fromTapSet.has(inp)) {
          return `the head reads ${quote(inp)} through layer ${quote(name)}, which does not come from the tap ${quote(tap)} (a skip connection around the tap?). The head must depend on the tap alone`;
        }
      }
      for (let i = node.inputs.length - 1; i >= 0; i--) stack.push(node.inputs[i]);
    }
    return null;
  };
  for (const out of graph.outputs) {
    if (!fromTapSet.has(out)) return `the model output ${quote(out)} does not depend on the tap ${quote(tap)}`;
    const p = visit(out);
    if (p) return p;
  }
  return null;
}

function inputSide(graph: ModelGraph): number | null {
  const input = graph.nodes.find((n) => n.name === graph.inputs[0]);
  return input?.shape?.[1] ?? null;
}

/** Every layer with its shape, stride, and whether (why not) it can be the tap. */
export function layerRows(graph: ModelGraph): LayerRow[] {
  const side = inputSide(graph);
  return graph.nodes.map((n) => {
    const four = n.shape !== null && n.shape.length === 4 && n.shape.slice(1).every((d) => d !== null);
    const h = four ? (n.shape as number[])[1] : null;
    const stride = side !== null && h !== null && h > 0 && side % h === 0 ? side / h : null;
    let notTap: string | null;
    if (!n.shape) notTap = 'its output shape is unknown';
    else if (n.shape.length !== 4) notTap = `its output is ${n.shape.length}-D [${n.shape.map((d) => d ?? 'N').join(',')}], not a 4-D feature [N,H,W,C]`;
    else if (!four) notTap = `its output shape [${n.shape.map((d) => d ?? '?').join(',')}] is not static`;
    else notTap = cutProblem(graph, n.name);
    return { name: n.name, kind: n.kind, shape: n.shape, stride, notTap };
  });
}

export interface TapSuggestion {
  readonly tap: string;
  readonly stride: number | null;
  readonly why: string;
}

/**
 * The suggested tap: a layer named `neck` (the playground's convention) when it can be one;
 * otherwise, among valid taps at stride ≤ 8, the largest stride and then the deepest layer,
 * skipping layers no wider than the task output (those are logits, not features).
 * Null when no layer qualifies; `firstProblem` then says why the best-looking one fails.
 */
export function suggestTap(graph: ModelGraph, outputChannels: number): { suggestion: TapSuggestion | null; firstProblem: string | null } {
  const rows = layerRows(graph);
  const neck = rows.find((r) => r.name === 'neck' && r.notTap === null);
  if (neck) return { suggestion: { tap: neck.name, stride: neck.stride, why: 'named "neck"' }, firstProblem: null };
  const feature = (r: LayerRow) =>
    r.shape !== null && r.shape.length === 4 && r.stride !== null && r.stride <= 8 && (r.shape[3] ?? 0) > outputChannels && !graphIo(graph, r.name);
  const ranked = rows
    .map((r, depth) => ({ r, depth }))
    .filter(({ r }) => feature(r))
    .sort((a, b) => (b.r.stride ?? 0) - (a.r.stride ?? 0) || b.depth - a.depth);
  const ok = ranked.find(({ r }) => r.notTap === null);
  if (ok) {
    return { suggestion: { tap: ok.r.name, stride: ok.r.stride, why: `deepest 4-D feature at the largest stride ≤ 8 (${ok.r.stride})` }, firstProblem: null };
  }
  return { suggestion: null, firstProblem: ranked.length ? `layer "${ranked[0].r.name}": ${ranked[0].r.notTap}` : 'no layer outputs a 4-D feature [N,H,W,C] at stride ≤ 8 wider than the task output' };
}

function graphIo(graph: ModelGraph, name: string): boolean {
  return graph.inputs.includes(name) || graph.outputs.includes(name);
}

/** The square input side the demo scenes are generated at, or why the model cannot take them (`images`: what the data is called). */
export function planInput(shape: readonly (number | null)[] | null, images = 'the demo scenes'): { size: number } | { problem: string } {
  if (!shape || shape.length !== 4) return { problem: `its input is [${(shape ?? []).map((d) => d ?? 'N').join(',')}], not an image batch [N,H,W,C]` };
  const [, h, w, c] = shape;
  if (c !== 3) {
    return {
      problem:
        c === null
          ? `its input channel count is not fixed; ${images} are RGB: export the model with 3 input channels`
          : `it takes ${c}-channel images and ${images} are RGB (3 channels); no rule converts them: export the model with a 3-channel input`,
    };
  }
  const size = h ?? w ?? 64;
  if ((h !== null && w !== null && h !== w) || (h === null) !== (w === null)) return { problem: `it takes ${h ?? '?'}×${w ?? '?'} images; ${images} are square` };
  if (size < 8 || size % NET_STRIDE !== 0) return { problem: `its input side ${size} is not a multiple of ${NET_STRIDE} (≥ 8), which the stride-${NET_STRIDE} labels need` };
  return { size };
}

/** Classes of the demo data: segmentation counts the background, detection its heatmaps. */
export const defaultClasses = (task: Task): number => (task === 'segmentation' ? SEG_CLASSES : DET_HEAT_CHANNELS);

/** Output channels a model needs: class logits, or heatmaps + size (2) + offset (2). */
export const taskChannels = (task: Task, classes = defaultClasses(task)): number => (task === 'segmentation' ? classes : classes + 4);

/** The output the data's labels need for an input side. */
export function expectedOutput(task: Task, size: number, classes = defaultClasses(task)): [number, number, number] {
  return task === 'segmentation' ? [size, size, classes] : [size / NET_STRIDE, size / NET_STRIDE, taskChannels(task, classes)];
}

export function outputProblem(
  task: Task,
  size: number,
  outputs: readonly (readonly (number | null)[] | null)[],
  classes = defaultClasses(task),
  dataName = `${task} demo`,
): string | null {
  const want = expectedOutput(task, size, classes);
  const what =
    task === 'segmentation'
      ? `${classes} class logits per pixel`
      : `${want[2]} CenterNet channels (${classes} heatmaps, size, offset) at stride ${NET_STRIDE}`;
  if (outputs.length !== 1) return `it has ${outputs.length} outputs; the ${dataName} needs one, [N,${want.join(',')}] (${what})`;
  const got = outputs[0];
  const ok = got && got.length === 4 && got[1] === want[0] && got[2] === want[1] && got[3] === want[2];
  if (ok) return null;
  return `its output [${(got ?? []).map((d) => d ?? 'N').join(',')}] does not match the ${dataName}'s labels: they need [N,${want.join(',')}] (${what})`;
}
