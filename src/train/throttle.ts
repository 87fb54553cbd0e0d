/** Lets an event through at most once per interval (progress messages, chart updates). */
export class ProgressThrottle {
  private last = -Infinity;
  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  ready(): boolean {
    const t = this.now();
    if (t - this.last < this.intervalMs) return false;
    this.last = t;
    return true;
  }
}
