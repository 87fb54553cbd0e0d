// A dataset load's progress and its Cancel: the parser calls `step` after each file; at most every
// `everyMs` it reports how far it is and yields to the event loop (a macrotask), so a worker can
// take the page's cancel request between two images; a cancelled load stops there with a
// DatasetError and keeps nothing.
import { DatasetError, type LoadProgress } from './types';

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class LoadPacer {
  private last = -Infinity;

  constructor(
    private readonly report?: (progress: LoadProgress) => void,
    private readonly signal?: AbortSignal,
    private readonly everyMs = 100,
  ) {}

  /** Throws when the load was cancelled. */
  check(): void {
    if (this.signal?.aborted) throw new DatasetError(null, 'the load was cancelled; nothing was kept');
  }

  /** After one unit of work: cancelled? report and yield when it is time. */
  async step(progress: LoadProgress): Promise<void> {
    this.check();
    if (now() - this.last < this.everyMs && progress.done < progress.total) return;
    this.last = now();
    this.report?.(progress);
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.check();
  }
}
