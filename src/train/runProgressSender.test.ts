import { expect, it } from 'vitest';
import type { EngineEvent } from '../engine/contract';
import type { RunProgress } from '../engine/progress';
import { RunProgressSender, sendProgress, type RunContext } from './runLoop';

function fakeContext() {
  const sent: number[] = [];
  const recorded: number[] = [];
  const ctx = {
    post: (e: EngineEvent) => e.type === 'progress' && sent.push(e.progress.step),
    checkpoints: { record: (p: RunProgress) => recorded.push(p.step) },
  } as unknown as RunContext;
  return { ctx, sent, recorded };
}

const progress = (step: number) => ({ runId: 1, stage: 'masks', step, total: 10, losses: {}, msPerStep: 1, etaMs: 0, numTensors: 0 }) as RunProgress;

it('sends at most once per interval, forced steps always, and flushes the step it kept back', () => {
  const { ctx, sent, recorded } = fakeContext();
  const sender = new RunProgressSender((p) => sendProgress(ctx, 1, p), 60_000);
  sender.offer(progress(1), false); // the first one goes: no interval has started
  sender.offer(progress(2), false);
  sender.offer(progress(3), false);
  expect(sent).toEqual([1]);
  // A run about to wait on a pause hands over the latest step it had kept back.
  expect(sender.flush()).toBe(true);
  expect(sent).toEqual([1, 3]);
  expect(sender.flush()).toBe(false);
  sender.offer(progress(4), true);
  sender.offer(progress(5), false);
  sender.offer(progress(6), true);
  expect(sender.flush()).toBe(false);
  expect(sent).toEqual([1, 3, 4, 6]);
  // What the charts got is what the checkpoint's history holds.
  expect(recorded).toEqual(sent);
});
