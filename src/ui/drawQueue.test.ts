import { describe, expect, it, vi } from 'vitest';
import { DrawQueue, type FrameScheduler } from './drawQueue';

/** A manual clock and frame list: each job advances the clock by its cost. */
function manual() {
  let t = 0;
  const frames: (() => void)[] = [];
  const scheduler: FrameScheduler = { request: (cb) => void frames.push(cb), now: () => t };
  const job = (cost: number, log: string[], name: string) => () => {
    t += cost;
    log.push(name);
  };
  const frame = () => frames.shift()?.();
  return { scheduler, job, frame, frames };
}

describe('DrawQueue', () => {
  it('paints jobs over several frames within the budget, in queue order', () => {
    const m = manual();
    const q = new DrawQueue(8, m.scheduler);
    const log: string[] = [];
    for (let i = 0; i < 10; i++) q.schedule({}, m.job(3, log, `t${i}`));
    expect(m.frames).toHaveLength(1);
    m.frame();
    // 3 + 3 = 6 < 8, the third reaches 9 ≥ 8: three per frame.
    expect(log).toEqual(['t0', 't1', 't2']);
    m.frame();
    m.frame();
    m.frame();
    expect(log).toHaveLength(10);
    expect(q.pendingJobs).toBe(0);
    expect(m.frames).toHaveLength(0);
  });

  it('runs at least one job per frame even when it alone exceeds the budget', () => {
    const m = manual();
    const q = new DrawQueue(8, m.scheduler);
    const log: string[] = [];
    q.schedule({}, m.job(50, log, 'big'));
    q.schedule({}, m.job(1, log, 'small'));
    m.frame();
    expect(log).toEqual(['big']);
    m.frame();
    expect(log).toEqual(['big', 'small']);
  });

  it('a key queued again before painting paints once with the newest job; cancel drops it', () => {
    const m = manual();
    const q = new DrawQueue(100, m.scheduler);
    const log: string[] = [];
    const a = {};
    const b = {};
    q.schedule(a, m.job(1, log, 'a-old'));
    q.schedule(b, m.job(1, log, 'b'));
    q.schedule(a, m.job(1, log, 'a-new'));
    const c = {};
    q.schedule(c, m.job(1, log, 'c'));
    q.cancel(c);
    m.frame();
    expect(log).toEqual(['b', 'a-new']);
    expect(m.frames).toHaveLength(0);
  });

  it('a throwing job does not stop the others', () => {
    const m = manual();
    const q = new DrawQueue(100, m.scheduler);
    const log: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    q.schedule({}, () => {
      throw new Error('boom');
    });
    q.schedule({}, m.job(1, log, 'after'));
    m.frame();
    expect(log).toEqual(['after']);
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });
});
