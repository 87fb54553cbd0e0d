import { describe, expect, it } from 'vitest';
import type { Reproduction } from '../share/reproduction';
import { compareCaveat, overlappingMethods } from './compareCaveat';

// Intervals by hand: values m − d, m, m + d give mean m, sd d, half t(2)·d/√3 = 4.303·d/1.732 = 2.484·d.
const repro: Reproduction = {
  task: 'segmentation', metricName: 'mIoU', scenes: 256, steps: 2000, batchSize: 8, lr: 0.01, studentInit: 'fresh', seeds: [1, 2, 3], teacher: 0.78,
  methods: [
    { method: 'none', values: [0.19, 0.2, 0.21] }, // 0.2 ± 0.025: [0.175, 0.225]
    { method: 'fitnet', values: [0.29, 0.3, 0.31] }, // 0.3 ± 0.025: [0.275, 0.325]
    { method: 'cwd', values: [0.3, 0.32, 0.34] }, // 0.32 ± 0.050: [0.270, 0.370]
    { method: 'maskd', values: [0.39, 0.4, 0.41] }, // 0.4 ± 0.025: [0.375, 0.425]
  ],
};

describe('overlappingMethods', () => {
  it('names the compared methods whose reproduction intervals overlap another’s', () => {
    expect(overlappingMethods(repro, ['none', 'fitnet', 'cwd', 'maskd'])).toEqual(['fitnet', 'cwd']);
    expect(overlappingMethods(repro, ['none', 'maskd'])).toEqual([]);
  });
});

describe('compareCaveat', () => {
  it('one seed: what it shows, what the reproduction cannot rank, and no star', () => {
    expect(compareCaveat({ seeds: 1, steps: 600, batchSize: 8 }, ['none', 'fitnet', 'cwd', 'maskd'], repro)).toBe(
      'One seed at 600 steps × batch 8 shows whether each method learns, not their order: the reproduction (3 seeds at 2000 steps) cannot rank FitNet and Channel-wise (CWD), whose intervals overlap; no row is starred.',
    );
  });

  it('several seeds: the star rule; without a reproduction (a user’s models): what one seed lacks', () => {
    expect(compareCaveat({ seeds: 3, steps: 600, batchSize: 8 }, ['none', 'maskd'], repro)).toBe(
      '3 seeds at 600 steps × batch 8: the reproduction (3 seeds at 2000 steps) separates them, but a run of another budget may not; a ★ only where the best mean’s paired difference to the runner-up is above 0.',
    );
    expect(compareCaveat({ seeds: 1, steps: null, batchSize: null }, ['none', 'maskd'], null)).toBe(
      'One seed cannot tell a difference from noise: no row is starred; set Seeds above 1 for intervals.',
    );
  });
});
