import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../engine/progress';
import { CompareClock } from './compareClock';

const progress = (step: number, msPerStep = 100): RunProgress => ({ runId: 1, stage: 'distill', step, total: 10, losses: {}, msPerStep, etaMs: 0, numTensors: 0 });

describe('CompareClock', () => {
  const setup = () => {
    let t = 0;
    const clock = new CompareClock(
      { methods: ['none', 'maskd'], seeds: 2, stepsPerRun: 10, batchSize: 2 },
      { teacherMs: 20, runsTeacher: (m) => m !== 'none' },
      () => t,
    );
    return { clock, advance: (ms: number) => (t += ms) };
  };

  it('places the run in the whole comparison and times it: method k of n, seed, overall step, ETA', () => {
    const { clock, advance } = setup();
    clock.startRun(0, 0);
    advance(400);
    // none: 4 steps in 400 ms = 100 ms/step; MasKD 100 + 20 = 120. Left: 6 · 100 + 10 · 120 + 10 · 100 + 10 · 120 = 4 000 ms.
    expect(clock.standing(progress(4), false)).toEqual({ method: 1, methods: 2, seed: 1, seeds: 2, stepsPerRun: 10, batchSize: 2, step: 4, total: 40, etaMs: 4000 });
    advance(600);
    clock.standing(progress(10), false);
    advance(200);
    clock.endRun();
    // none took 1 200 ms for 10 steps (its final scoring included): 120 ms/step.
    clock.startRun(3, 0);
    advance(300);
    // Seed 2's MasKD, 2 steps in 300 ms = 150 ms/step: 8 · 150 = 1 200 ms left.
    expect(clock.standing(progress(2), false)).toMatchObject({ method: 2, seed: 2, step: 32, etaMs: 1200 });
  });

  it('leaves paused time out', () => {
    const { clock, advance } = setup();
    clock.startRun(0, 0);
    advance(200);
    // The loop flushed step 2 as it paused: the wait until step 3 is not timed.
    clock.standing(progress(2), true);
    advance(60_000);
    clock.standing(progress(3), false);
    advance(100);
    // Timed: steps 1–2 in 200 ms and step 4 in 100 ms (step 3 held the pause): 100 ms/step.
    expect(clock.standing(progress(4), false).etaMs).toBe(6 * 100 + 10 * 120 + 10 * 100 + 10 * 120);
    // A pause between two progress messages (no flush): the interval is far longer than its step.
    advance(30_000);
    expect(clock.standing(progress(5), false).etaMs).toBe(5 * 100 + 10 * 120 + 10 * 100 + 10 * 120);
  });
});
