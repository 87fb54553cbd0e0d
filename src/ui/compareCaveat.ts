// The comparison table's one line on what the live run can and cannot show, read against the
// reproduction: which methods the reproduction itself cannot tell apart (their 95% intervals over
// its seeds overlap), and what the star rule means at this run's seeds. Pure: tested in Node.
import { METHODS, type MethodName } from '../maskd/methodInfo';
import type { Reproduction } from '../share/reproduction';
import { ci95 } from '../share/stats';

/** Names joined as prose: "A", "A and B", "A, B and C". */
function listed(names: readonly string[]): string {
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The compared methods whose reproduction interval overlaps another compared method's, in order. */
export function overlappingMethods(reproduction: Reproduction, methods: readonly MethodName[]): MethodName[] {
  const spans = methods.flatMap((m) => {
    const values = reproduction.methods.find((x) => x.method === m)?.values ?? [];
    if (values.length < 2) return [];
    const i = ci95(values);
    return [{ m, lo: i.mean - i.half, hi: i.mean + i.half }];
  });
  return spans.filter((a) => spans.some((b) => b !== a && a.lo <= b.hi && b.lo <= a.hi)).map((a) => a.m);
}

export interface LiveBudget {
  readonly seeds: number;
  readonly steps: number | null;
  readonly batchSize: number | null;
}

function budgetText(b: LiveBudget): string {
  const seeds = b.seeds === 1 ? 'One seed' : `${b.seeds} seeds`;
  if (b.steps === null) return seeds;
  return `${seeds} at ${b.steps} steps${b.batchSize !== null ? ` × batch ${b.batchSize}` : ''}`;
}

/**
 * E.g. "One seed at 600 steps × batch 8 shows whether each method learns, not their order: the
 * reproduction (5 seeds at 2000 steps) cannot rank FitNet, CWD and MasKD, whose intervals overlap;
 * no row is starred."
 */
export function compareCaveat(live: LiveBudget, methods: readonly MethodName[], reproduction: Reproduction | null): string {
  const head = budgetText(live);
  const star = live.seeds === 1 ? 'no row is starred' : 'a ★ only where the best mean’s paired difference to the runner-up is above 0';
  if (!reproduction) {
    return live.seeds === 1
      ? `${head} cannot tell a difference from noise: ${star}; set Seeds above 1 for intervals.`
      : `${head}: intervals over the seeds; ${star}.`;
  }
  const repro = `the reproduction (${reproduction.seeds.length} seeds at ${reproduction.steps} steps)`;
  const overlap = overlappingMethods(reproduction, methods);
  const rank = overlap.length
    ? `${repro} cannot rank ${listed(overlap.map((m) => METHODS[m].label))}, whose intervals overlap`
    : `${repro} separates them, but a run of another budget may not`;
  return live.seeds === 1
    ? `${head} shows whether each method learns, not their order: ${rank}; ${star}.`
    : `${head}: ${rank}; ${star}.`;
}
