// The time a comparison has left, over every method and seed still to run. Methods differ in cost
// (the distillation methods run the teacher forward each step, the student alone does not; their
// losses differ too), so each is predicted from what has been measured: a method's own time per
// step once it has run; before that, a measured method that runs the teacher as it does; failing
// that, the other kind's time per step plus or minus a teacher forward, timed at the comparison's
// start. Pure arithmetic, tested on hand-worked numbers.
import type { MethodName } from '../maskd/methods';

/** One run of the comparison (a method on a seed), in the order they run. */
export interface PlannedRun {
  readonly method: MethodName;
  readonly steps: number;
}

/** Measured time of a run: a finished one whole (its tail included), the current one so far. */
export interface TimedRun {
  readonly method: MethodName;
  readonly steps: number;
  readonly ms: number;
}

export interface CostModel {
  /** A teacher forward at the comparison's batch, in ms; null when not measured. */
  readonly teacherMs: number | null;
  /** Whether a method's step runs the teacher forward. */
  readonly runsTeacher: (method: MethodName) => boolean;
}

function pooled(runs: readonly TimedRun[]): number | null {
  const steps = runs.reduce((a, r) => a + r.steps, 0);
  return steps > 0 ? runs.reduce((a, r) => a + r.ms, 0) / steps : null;
}

/** Milliseconds per step predicted for `method`; null before anything has been timed. */
export function predictedMsPerStep(method: MethodName, timed: readonly TimedRun[], cost: CostModel): number | null {
  const measured = timed.filter((r) => r.steps > 0);
  const own = pooled(measured.filter((r) => r.method === method));
  if (own !== null) return own;
  const teacher = cost.runsTeacher(method);
  const sameKind = pooled(measured.filter((r) => cost.runsTeacher(r.method) === teacher));
  if (sameKind !== null) return sameKind;
  const otherKind = pooled(measured);
  if (otherKind === null) return null;
  const t = cost.teacherMs ?? 0;
  return Math.max(0, otherKind + (teacher ? t : -t));
}

/**
 * Time left: the current run's remaining steps and every later run's, each at its method's
 * predicted time per step. `currentStep` steps of `plan[current]` are done. Null until a step
 * has been timed.
 */
export function comparisonEtaMs(plan: readonly PlannedRun[], current: number, currentStep: number, timed: readonly TimedRun[], cost: CostModel): number | null {
  let ms = 0;
  for (let i = current; i < plan.length; i++) {
    const steps = i === current ? Math.max(0, plan[i].steps - currentStep) : plan[i].steps;
    if (steps === 0) continue;
    const rate = predictedMsPerStep(plan[i].method, timed, cost);
    if (rate === null) return null;
    ms += steps * rate;
  }
  return ms;
}
