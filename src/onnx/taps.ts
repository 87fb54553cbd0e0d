// The taps of a converted model: every 4-D value the graph computes, with its shape, its stride
// and whether it is a clean cut (./tapCut.ts); and the default: among the clean cuts of at least
// 2×2 that are not outputs, the last map at the coarsest stride with the most channels (the
// backbone's last feature map before a head).
import type { Plan } from './convert/plan';
import { tapCutProblem } from './tapCut';

export interface OnnxTap {
  readonly name: string;
  /** [H, W, C], as the playground's NHWC features are. */
  readonly shape: readonly [number, number, number];
  /** Input height / the map's height (1 for a map at the input's size). */
  readonly stride: number;
  readonly op: string;
  /** Null when it can be the tap; else why not. */
  readonly notTap: string | null;
}

export function listTaps(plan: Plan): { taps: OnnxTap[]; suggested: string | null } {
  const taps: OnnxTap[] = [];
  for (const step of plan.steps) {
    step.node.outputs.forEach((o, k) => {
      const m = step.outputs[k];
      if (!o || !m || m.shape.length !== 4 || m.constant) return;
      const [, c, h, w] = m.shape;
      taps.push({ name: o, shape: [h, w, c], stride: plan.input.height / h, op: step.node.opType, notTap: tapCutProblem(plan, o) });
    });
  }
  const outputs = new Set(plan.outputs);
  const inner = taps.filter((t) => !outputs.has(t.name) && !t.notTap && t.shape[0] >= 2 && t.shape[1] >= 2);
  if (!inner.length) return { taps, suggested: null };
  const coarsest = Math.max(...inner.map((t) => t.stride));
  const atCoarsest = inner.filter((t) => t.stride === coarsest);
  const widest = Math.max(...atCoarsest.map((t) => t.shape[2]));
  const pick = atCoarsest.filter((t) => t.shape[2] === widest).pop()!;
  return { taps, suggested: pick.name };
}
