import { describe, expect, it } from 'vitest';
import { comparisonEtaMs, predictedMsPerStep, type CostModel, type PlannedRun } from './compareEta';

const cost = (teacherMs: number | null): CostModel => ({ teacherMs, runsTeacher: (m) => m !== 'none' });
const plan = (steps: number, seeds = 1): PlannedRun[] =>
  Array.from({ length: seeds }, () => (['none', 'fitnet', 'cwd', 'maskd'] as const).map((method) => ({ method, steps }))).flat();

describe('the comparison ETA', () => {
  it('in the student alone: the distillation methods cost a teacher forward more per step', () => {
    // none: 300 steps in 45 000 ms = 150 ms/step; the teacher forward 50 ms, so the others 200 ms/step.
    // Left: 300 · 150 + 3 · 600 · 200 = 45 000 + 360 000 = 405 000 ms.
    const timed = [{ method: 'none' as const, steps: 300, ms: 45_000 }];
    expect(predictedMsPerStep('maskd', timed, cost(50))).toBe(200);
    expect(comparisonEtaMs(plan(600), 0, 300, timed, cost(50))).toBe(405_000);
    // Unmeasured teacher: every method at the measured 150 ms/step: 2 100 · 150 = 315 000 ms.
    expect(comparisonEtaMs(plan(600), 0, 300, timed, cost(null))).toBe(315_000);
  });

  it('once a distillation method has run, the others of its kind take its time per step', () => {
    // none finished: 600 steps in 90 000 ms; FitNet 100 steps in 22 000 ms (220 ms/step).
    // Left: FitNet 500 · 220 + CWD and MasKD 2 · 600 · 220 = 110 000 + 264 000 = 374 000 ms.
    const timed = [
      { method: 'none' as const, steps: 600, ms: 90_000 },
      { method: 'fitnet' as const, steps: 100, ms: 22_000 },
    ];
    expect(comparisonEtaMs(plan(600), 1, 100, timed, cost(50))).toBe(374_000);
  });

  it('over several seeds: each method at its own measured time per step', () => {
    // Seed 1 done: none 150, FitNet 200, CWD 250, MasKD 300 ms/step (600 steps each);
    // seed 2 in none at step 200: 400 · 150 + 600 · (200 + 250 + 300) = 60 000 + 450 000 = 510 000 ms.
    const timed = [
      { method: 'none' as const, steps: 600, ms: 90_000 },
      { method: 'fitnet' as const, steps: 600, ms: 120_000 },
      { method: 'cwd' as const, steps: 600, ms: 150_000 },
      { method: 'maskd' as const, steps: 600, ms: 180_000 },
      { method: 'none' as const, steps: 200, ms: 30_000 },
    ];
    expect(comparisonEtaMs(plan(600, 2), 4, 200, timed, cost(50))).toBe(510_000);
  });

  it('starting in a distillation method, the student alone saves the teacher forward', () => {
    // MasKD first: 50 steps in 12 500 ms = 250 ms/step; none then 250 − 40 = 210 ms/step.
    // Left: MasKD 150 · 250 + none 200 · 210 = 37 500 + 42 000 = 79 500 ms.
    const order: PlannedRun[] = [{ method: 'maskd', steps: 200 }, { method: 'none', steps: 200 }];
    expect(comparisonEtaMs(order, 0, 50, [{ method: 'maskd', steps: 50, ms: 12_500 }], cost(40))).toBe(79_500);
  });

  it('is unknown before a step has been timed, and zero at the end', () => {
    expect(comparisonEtaMs(plan(600), 0, 0, [], cost(50))).toBeNull();
    expect(comparisonEtaMs(plan(10), 3, 10, [{ method: 'maskd', steps: 10, ms: 1000 }], cost(50))).toBe(0);
  });
});
