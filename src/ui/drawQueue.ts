// Canvas drawing spread over animation frames. A new mask snapshot repaints every gallery tile
// (4 scenes × (image + T tokens), plus the student and ground-truth views when shown); painting
// them all in the commit that brought the snapshot added ~30 ms of drawing to that one task
// (CPU profile on the 2-core test machine), growing with T and the views. The queue paints tiles
// frame by frame until a time budget is spent, and a tile queued again before it was painted is
// painted once, with its newest content.

export interface FrameScheduler {
  request(cb: () => void): void;
  now(): number;
}

const browserScheduler: FrameScheduler = {
  request: (cb) => {
    // Hidden tabs get no animation frames; a timeout keeps the queue moving there.
    if (typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden) requestAnimationFrame(() => cb());
    else setTimeout(cb, 16);
  },
  now: () => performance.now(),
};

export class DrawQueue {
  private readonly jobs = new Map<object, () => void>();
  private pending = false;

  constructor(
    /** Painting stops for the frame once this many ms are spent (at least one job runs per frame). */
    private readonly budgetMs = 8,
    private readonly scheduler: FrameScheduler = browserScheduler,
  ) {}

  /** Queues `draw` for `key` (a canvas), replacing a job for it not yet run. */
  schedule(key: object, draw: () => void): void {
    this.jobs.delete(key);
    this.jobs.set(key, draw);
    this.kick();
  }

  cancel(key: object): void {
    this.jobs.delete(key);
  }

  get pendingJobs(): number {
    return this.jobs.size;
  }

  private kick(): void {
    if (this.pending || this.jobs.size === 0) return;
    this.pending = true;
    this.scheduler.request(() => this.runFrame());
  }

  private runFrame(): void {
    this.pending = false;
    const t0 = this.scheduler.now();
    for (const [key, draw] of this.jobs) {
      this.jobs.delete(key);
      try {
        draw();
      } catch (err) {
        // One broken tile must not stop the others; the error still reaches the console.
        console.error(err);
      }
      if (this.scheduler.now() - t0 >= this.budgetMs) break;
    }
    this.kick();
  }
}

/** The page's one queue for gallery tiles. */
export const tileQueue = new DrawQueue();
