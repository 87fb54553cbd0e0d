import { expect, it } from 'vitest';
import type { PauseInfo } from './protocol';
import { RunControl } from './runControl';

it('pauses, steps once, resumes and stops', async () => {
  const events: PauseInfo[] = [];
  const c = new RunControl((e) => events.push(e));
  c.begin();
  expect(await c.gate()).toBe(true);
  c.step = 3;
  c.pause();
  let passed = 0;
  const loop = (async () => {
    while (await c.gate()) {
      passed++;
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  await new Promise((r) => setTimeout(r, 10));
  expect(passed).toBe(0);
  c.stepOnce();
  await new Promise((r) => setTimeout(r, 10));
  expect(passed).toBe(1);
  c.resume();
  await new Promise((r) => setTimeout(r, 20));
  expect(passed).toBeGreaterThan(1);
  c.stop();
  await loop;
  expect(events).toEqual([
    { paused: true, step: 3, reason: null },
    { paused: false, step: 3, reason: null },
  ]);
});
