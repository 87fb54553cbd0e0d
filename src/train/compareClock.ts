// A comparison's clock: times each run (method on a seed) from the progress it sends, leaving out
// the time spent paused, and gives each progress its standing in the whole comparison (method k
// of n, seed, overall step, ETA of the rest: compareEta.ts). The clock is injected, so it is
// tested without waiting.
import type { CompareStanding, RunProgress } from '../engine/progress';
import type { MethodName } from '../maskd/methods';
import { comparisonEtaMs, type CostModel, type TimedRun } from './compareEta';

export interface ComparePlan {
  readonly methods: readonly MethodName[];
  readonly seeds: number;
  readonly stepsPerRun: number;
  readonly batchSize: number;
}

export class CompareClock {
  private readonly timed: { method: MethodName; steps: number; ms: number }[] = [];
  private run = -1;
  private lastAt = 0;
  private lastStep = 0;
  /** The interval since the last progress held a pause: it is not timed. */
  private pausedSince = false;

  constructor(
    private readonly plan: ComparePlan,
    private readonly cost: CostModel,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Run `index` (seed-major: seed · methods + method) starts, at `fromStep` when resumed. */
  startRun(index: number, fromStep: number): void {
    this.run = index;
    this.timed.push({ method: this.plan.methods[index % this.plan.methods.length], steps: 0, ms: 0 });
    this.lastAt = this.now();
    this.lastStep = fromStep;
    this.pausedSince = false;
  }

  /**
   * Times the interval since the last progress and returns this one's standing. An interval is
   * left out when a pause held it: the loop was paused at either end, or it lasted far longer
   * than its steps at the run's step time (a pause between two progress messages).
   */
  standing(p: RunProgress, paused: boolean): CompareStanding {
    const at = this.now();
    const steps = Math.max(0, p.step - this.lastStep);
    const ms = at - this.lastAt;
    const plausible = !(p.msPerStep > 0) || ms <= 4 * Math.max(1, steps) * p.msPerStep + 2000;
    const cur = this.timed[this.timed.length - 1];
    if (cur && !this.pausedSince && !paused && plausible) {
      cur.steps += steps;
      cur.ms += ms;
    }
    this.lastAt = at;
    this.lastStep = Math.max(this.lastStep, p.step);
    this.pausedSince = paused;
    return this.standingAt(p.step);
  }

  /** The run ends (its final scoring done): the time since its last progress is its tail. */
  endRun(): void {
    const cur = this.timed[this.timed.length - 1];
    if (cur && !this.pausedSince) cur.ms += this.now() - this.lastAt;
  }

  private standingAt(step: number): CompareStanding {
    const { methods, seeds, stepsPerRun, batchSize } = this.plan;
    const n = methods.length;
    const runs = Array.from({ length: n * seeds }, (_, i) => ({ method: methods[i % n], steps: stepsPerRun }));
    const timed: TimedRun[] = this.timed;
    return {
      method: (this.run % n) + 1,
      methods: n,
      seed: Math.floor(this.run / n) + 1,
      seeds,
      stepsPerRun,
      batchSize,
      step: this.run * stepsPerRun + step,
      total: n * seeds * stepsPerRun,
      etaMs: comparisonEtaMs(runs, this.run, step, timed, this.cost),
    };
  }
}
