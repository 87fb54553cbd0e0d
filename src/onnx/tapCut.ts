// Whether a value can be the tap: the graph splits there into a backbone (image → tap) and a head
// (tap → outputs) that reads nothing of the backbone but the tap. A U-Net's skip connections cross
// its bottleneck (the decoder reads encoder maps computed before it): such a value is no cut, and
// the reason names a value that crosses it.
import type { Plan } from './convert/plan';
import { quote } from '../messageQuote';

/** Why `tap` is not a clean cut of the graph, or null when it is. */
export function tapCutProblem(plan: Plan, tap: string): string | null {
  const { steps } = plan;
  const producer = new Map<string, number>();
  steps.forEach((s, i) => s.node.outputs.forEach((o) => o && producer.set(o, i)));
  if (!producer.has(tap)) return `${quote(tap)} is not computed by a node of the graph`;
  // Values computed from the image, and steps that depend on the tap (steps are in topological order).
  const fromImage = new Set<string>([plan.input.name]);
  const after = new Set<string>([tap]);
  const dependent = new Set<number>();
  steps.forEach((s, i) => {
    if (s.node.inputs.some((x) => fromImage.has(x))) s.node.outputs.forEach((o) => o && fromImage.add(o));
    if (i > producer.get(tap)! && s.node.inputs.some((x) => after.has(x))) {
      dependent.add(i);
      s.node.outputs.forEach((o) => o && after.add(o));
    }
  });
  if (!plan.outputs.some((o) => after.has(o))) return 'no output depends on it';
  const around = plan.outputs.find((o) => !after.has(o) && fromImage.has(o));
  if (around !== undefined) return `output ${quote(around)} does not go through it`;
  // The head: every step the outputs need once the tap is given. Each must depend on the tap.
  const stack = plan.outputs.filter((o) => o !== tap).map((o) => producer.get(o)).filter((i): i is number => i !== undefined);
  const head = new Set<number>();
  let crossing: string | null = null;
  while (stack.length) {
    const i = stack.pop()!;
    if (head.has(i)) continue;
    head.add(i);
    for (const x of steps[i].node.inputs) {
      if (x === tap) continue;
      const p = producer.get(x);
      // Values made from weights alone (a reshaped slope) may cross; the image's may not.
      if (dependent.has(i) && fromImage.has(x) && (p === undefined || !dependent.has(p))) crossing ??= x;
      if (p !== undefined) stack.push(p);
    }
  }
  if (crossing === null) return null;
  return crossing === plan.input.name
    ? 'the head after it also reads the image input'
    : `the head after it also reads ${quote(crossing)}, computed before it (a skip connection crosses it)`;
}
