import { expect, it } from 'vitest';
import type { PauseInfo } from '../engine/progress';
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

it('runs onBlock once when the gate is about to wait on a pause, and sees a resume sent meanwhile', async () => {
  const c = new RunControl();
  let blocks = 0;
  const onBlock = async () => {
    blocks++;
    c.resume();
  };
  expect(await c.gate(onBlock)).toBe(true);
  expect(blocks).toBe(0);
  c.pause();
  expect(await c.gate(onBlock)).toBe(true);
  expect(blocks).toBe(1);
  c.pause();
  const waiting = c.gate(async () => {
    blocks++;
  });
  await new Promise((r) => setTimeout(r, 20));
  expect(blocks).toBe(2);
  c.stepOnce();
  expect(await waiting).toBe(true);
});
