// Checkpoints of the run in progress: the history the charts were sent, the live state captured
// at step boundaries (every N steps, on pause, at the end, on an export request), an in-memory
// copy of the latest one (for device-loss recovery and exportState) and ordered writes to a sink.
import {
  appendHistory,
  CHECKPOINT_VERSION,
  checkpointDue,
  DEFAULT_CHECKPOINT_EVERY,
  historyEntry,
  historyUpTo,
  type Checkpoint,
  type CheckpointReason,
  type CheckpointRun,
  type HistoryEntry,
} from '../engine/checkpoint';
import type { CheckpointSink } from './checkpointStore';
import type { RunProgress } from '../engine/progress';
import { copyArrays } from './runState';
import { errorText } from '../errorText';

/** The live part of a checkpoint, read from the run's tensors at a step boundary. */
export type CheckpointState = Pick<Checkpoint, 'step' | 'lr' | 'tokens' | 'branch' | 'student' | 'align' | 'optimizer' | 'best'>;

export type RunDescription = CheckpointRun & Pick<Checkpoint, 'task' | 'inputSize' | 'total' | 'backend' | 'studentInit'>;

interface ActiveRun {
  readonly run: RunDescription;
  readonly capture: () => Promise<CheckpointState>;
  readonly every: number;
  history: HistoryEntry[];
}

/** A copy whose buffers can be transferred without touching the original. */
export function copyCheckpoint(c: Checkpoint): Checkpoint {
  return {
    ...c,
    tokens: c.tokens ? copyArrays([c.tokens])[0] : null,
    branch: c.branch ? copyArrays(c.branch) : null,
    student: c.student ? copyArrays(c.student) : null,
    align: c.align ? copyArrays(c.align) : null,
    optimizer: copyArrays(c.optimizer),
    best: c.best ? { ...c.best, weights: copyArrays(c.best.weights) } : null,
    history: [...c.history],
  } as Checkpoint;
}

export class RunCheckpointer {
  /** The latest checkpoint taken (kept after the run ends, for exportState). */
  last: Checkpoint | null = null;
  private active: ActiveRun | null = null;
  private writes: Promise<void> = Promise.resolve();
  private exportWaiters: ((c: Checkpoint) => void)[] = [];

  constructor(
    private readonly sink: CheckpointSink | null,
    private readonly onError: (message: string) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get running(): boolean {
    return this.active !== null;
  }

  /** History of the run in progress (what its progress events carried). */
  get history(): readonly HistoryEntry[] {
    return this.active?.history ?? [];
  }

  /**
   * A run starts (or resumes with `history` up to its checkpoint step). Its starting state is
   * kept in memory at once, so a lost device always has a checkpoint of this run to go back to.
   */
  async begin(run: RunDescription, capture: () => Promise<CheckpointState>, history: readonly HistoryEntry[] = []): Promise<void> {
    const every = run.config.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    this.active = { run, capture, every, history: [...history] };
    this.last = null;
    // A comparison's later methods are stored from their start: the rows before them are worth keeping.
    await this.take('start', run.kind === 'distill' && (run.compare?.rows.length ?? 0) > 0);
  }

  /** A progress event was posted: the charts now have it. */
  record(p: RunProgress): void {
    if (this.active) this.active.history = appendHistory(this.active.history, historyEntry(p));
  }

  /** After an applied step: an interval checkpoint when due, or one an export is waiting for. */
  async afterStep(step: number): Promise<void> {
    if (!this.active) return;
    if (checkpointDue(step, this.active.every)) await this.take('interval');
    else if (this.exportWaiters.length) await this.take('export');
  }

  /** The run is paused (by the user or a non-finite loss): its state now is the last good one. */
  async onPause(): Promise<void> {
    if (this.active) await this.take('pause');
  }

  /** The run ended (done or stopped): its final state stays in memory; storage has nothing to resume. */
  async end(): Promise<void> {
    if (!this.active) return;
    try {
      await this.take('end', false);
    } finally {
      this.active = null;
      this.enqueue(() => this.sink?.clear());
    }
  }

  /** Forgets the run in progress without a final capture (its tensors are gone: device lost). */
  abandon(): void {
    this.active = null;
  }

  /** Resolves with a copy of the next checkpoint taken (the running loop takes one after its step). */
  nextCheckpoint(): Promise<Checkpoint> {
    return new Promise((resolve) => this.exportWaiters.push(resolve));
  }

  /** Waits for every write queued so far. */
  flush(): Promise<void> {
    return this.writes;
  }

  clearStored(): Promise<void> {
    this.enqueue(() => this.sink?.clear());
    return this.writes;
  }

  private async take(reason: CheckpointReason, store = true): Promise<void> {
    const a = this.active;
    if (!a) return;
    const state = await a.capture();
    const c = {
      ...a.run,
      ...state,
      version: CHECKPOINT_VERSION,
      savedAt: this.now(),
      reason,
      history: historyUpTo(a.history, state.step),
    } as Checkpoint;
    this.last = c;
    for (const w of this.exportWaiters.splice(0)) w(copyCheckpoint(c));
    if (store) this.enqueue(() => this.sink?.save(c));
  }

  private enqueue(write: () => Promise<void> | undefined): void {
    this.writes = this.writes
      .then(write)
      .catch((err: unknown) => this.onError(`the checkpoint could not be stored: ${errorText(err)}`));
  }
}
