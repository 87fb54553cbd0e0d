import { describe, expect, it } from 'vitest';
import { ProgressThrottle } from './throttle';

describe('ProgressThrottle', () => {
  it('passes the first call, then one per interval', () => {
    let t = 0;
    const throttle = new ProgressThrottle(250, () => t);
    const passed: number[] = [];
    for (t = 0; t <= 1000; t += 50) if (throttle.ready()) passed.push(t);
    expect(passed).toEqual([0, 250, 500, 750, 1000]);
  });
});
