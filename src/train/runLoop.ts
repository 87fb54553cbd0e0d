// What a run needs of the session, and the pieces of a run's loop the runs share: progress and
// mask snapshots (the step itself is stepDriver.ts's).
import * as tf from '@tensorflow/tfjs';
import type { Demo } from './demo';
import type { DeviceWatch } from './deviceWatch';
import type { Distiller } from './distillStage';
import type { MaskLearner } from './maskStage';
import type { EngineEvent } from '../engine/contract';
import type { MaskSnapshot, RunProgress } from '../engine/progress';
import type { RunCheckpointer } from './runCheckpointer';
import type { RunControl } from './runControl';
import { snapshotTransfer } from '../engine/transfer';
import { maskSnapshot, type StudentView } from './snapshot';
import type { StepTimer } from './stepDriver';
import { ProgressThrottle } from './throttle';

export type Post = (event: EngineEvent, transfer?: Transferable[]) => void;

/** The trainer of the run in progress, for evaluate, the lr change and the NaN test hook. */
export interface LiveRun {
  readonly trainer: MaskLearner | Distiller;
  readonly student: tf.LayersModel | null;
}

export interface RunContext {
  readonly post: Post;
  readonly control: RunControl;
  readonly checkpoints: RunCheckpointer;
  readonly device: DeviceWatch;
  /** The loaded demo, looked up at each use (it may be another one than at the run's start); throws when none is. */
  requireDemo(): Demo;
  setLive(live: LiveRun | null): void;
}

/** What every step's progress carries, whatever the stage: step, losses, timing, ETA, tensor count. */
export function stepProgress(id: number, step: number, total: number, losses: RunProgress['losses'], timer: StepTimer) {
  return { runId: id, step, total, losses, msPerStep: timer.mean, etaMs: timer.mean * (total - step), numTensors: tf.memory().numTensors };
}

export type WorkKind = NonNullable<RunProgress['within']>['what'];

/**
 * Progress inside a slow step (a large teacher's images, a step's micro-batches): the last step's
 * progress again with `within`, at most one message per 250 ms, never recorded in the history.
 */
export class WorkReporter {
  /** The last progress the run sent. */
  last: RunProgress | null = null;
  private readonly throttle = new ProgressThrottle(250);
  private readonly started = performance.now();

  constructor(
    private readonly ctx: Pick<RunContext, 'post' | 'control'>,
    private readonly id: number,
    private readonly stage: RunProgress['stage'],
    private readonly total: number,
  ) {}

  report(done: number, of: number, what: WorkKind): void {
    if (!this.throttle.ready()) return;
    const base: RunProgress = this.last ?? {
      runId: this.id,
      stage: this.stage,
      step: this.ctx.control.step,
      total: this.total,
      losses: {},
      msPerStep: performance.now() - this.started,
      etaMs: 0,
      numTensors: tf.memory().numTensors,
    };
    this.ctx.post({ type: 'progress', id: this.id, progress: { ...base, within: { done, of, what } } });
  }
}

export function sendProgress(ctx: RunContext, id: number, progress: RunProgress): void {
  ctx.checkpoints.record(progress);
  ctx.post({ type: 'progress', id, progress });
}

/**
 * A run's progress, at most one message per interval, except that the latest step is never left
 * unsent when the run stops to wait on a pause: then `flush` sends it, so the page's step counter,
 * its charts and the pause checkpoint all end at the same step (fast steps made them differ).
 */
export class RunProgressSender {
  private readonly throttle: ProgressThrottle;
  private unsent: RunProgress | null = null;

  /** `send` posts one progress (a stage's also records it for its checkpoints: see `sendProgress`). */
  constructor(
    private readonly send: (progress: RunProgress) => void,
    intervalMs = 250,
  ) {
    this.throttle = new ProgressThrottle(intervalMs);
  }

  /** Sends `progress` now when forced (or the interval has passed); otherwise keeps it for `flush`. */
  offer(progress: RunProgress, force: boolean): void {
    if (force || this.throttle.ready()) {
      this.send(progress);
      this.unsent = null;
    } else {
      this.unsent = progress;
    }
  }

  /** Sends the step kept back, if any; true when one was sent. */
  flush(): boolean {
    if (!this.unsent) return false;
    this.send(this.unsent);
    this.unsent = null;
    return true;
  }
}

export async function sendSnapshot(
  ctx: Pick<RunContext, 'post' | 'requireDemo' | 'device'>,
  id: number,
  step: number,
  stage: 'masks' | 'distill',
  student?: StudentView,
): Promise<void> {
  const demo = ctx.requireDemo();
  if (!demo.tokens) return;
  const snapshot = await ctx.device.guard(demoSnapshot(demo, step, stage, student));
  ctx.post({ type: 'snapshot', id, snapshot }, snapshotTransfer(snapshot));
}

/** The masks of the demo's tokens on its preview scenes (it must have tokens). */
export function demoSnapshot(demo: Demo, step: number, stage: 'masks' | 'distill', student?: StudentView): Promise<MaskSnapshot> {
  if (!demo.tokens) throw new Error('there are no receptive tokens yet: run mask learning or load shipped tokens');
  return maskSnapshot(demo.teacherSplit.backbone, demo.tokens, demo.branch, demo.previews, step, stage, { task: demo.task, student });
}
