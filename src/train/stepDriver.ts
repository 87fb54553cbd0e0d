// The one step driver of every run (a teacher's, stage 1's, stage 2's): a timed step under the
// device guard, and on a non-finite loss or gradient the last good step's progress, then the
// warning, then the pause. A lost device comes out of it as a DeviceLostError, for DeviceRecovery.
import type { RunContext, RunProgressSender } from './runLoop';
import { NonFiniteStepError } from './stageCommon';

/** What a step reports: the step it completed, counted from 1 as the progress is (the k-th step says k). */
export interface StepReport {
  readonly step: number;
}

/** A trainer the driver can step: nothing is applied when it throws NonFiniteStepError. */
export interface Steppable<R extends StepReport> {
  trainStep(): Promise<R>;
}

/** Running mean of step time, for ms/step and the ETA. */
export class StepTimer {
  private sum = 0;
  private n = 0;
  add(ms: number): void {
    this.sum += ms;
    this.n++;
  }
  get mean(): number {
    return this.n ? this.sum / this.n : 0;
  }
}

/** One timed step; a non-finite one is reported, pauses the run and yields null. */
export async function guardedStep<R extends StepReport>(
  ctx: Pick<RunContext, 'post' | 'control' | 'device'>,
  trainer: Steppable<R>,
  timer: StepTimer,
  progress: RunProgressSender,
): Promise<R | null> {
  const t0 = performance.now();
  try {
    // A read on a lost device may never settle: the watch turns the loss into an error.
    const report = await ctx.device.guard(trainer.trainStep());
    timer.add(performance.now() - t0);
    ctx.control.step = report.step;
    return report;
  } catch (err) {
    if (!(err instanceof NonFiniteStepError)) throw err;
    // The last good step first: the page's counter must already say it when the pause arrives.
    progress.flush();
    ctx.post({ type: 'warning', warning: { kind: 'nan', text: err.message, step: err.step } });
    ctx.control.pause(err.message);
    return null;
  }
}
