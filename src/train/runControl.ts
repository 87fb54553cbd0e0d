// Pause / resume / single step / stop for a training loop that awaits `gate()` before each step.
import type { PauseInfo } from '../engine/progress';

export class RunControl {
  private paused = false;
  private stopRequested = false;
  private pendingSteps = 0;
  private wake: (() => void) | null = null;
  /** The loop's current step, for pause notices. */
  step = 0;

  constructor(private readonly onChange: (info: PauseInfo) => void = () => {}) {}

  get isPaused(): boolean {
    return this.paused;
  }

  get stopped(): boolean {
    return this.stopRequested;
  }

  /** A new run starts running (not paused, not stopped). */
  begin(): void {
    this.paused = false;
    this.stopRequested = false;
    this.pendingSteps = 0;
    this.step = 0;
  }

  pause(reason: string | null = null): void {
    if (this.paused && reason === null) return;
    this.paused = true;
    this.pendingSteps = 0;
    this.onChange({ paused: true, step: this.step, reason });
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.onChange({ paused: false, step: this.step, reason: null });
    this.release();
  }

  /** While paused, lets exactly one more step through. */
  stepOnce(): void {
    if (!this.paused) return;
    this.pendingSteps++;
    this.release();
  }

  stop(): void {
    this.stopRequested = true;
    this.release();
  }

  /**
   * Resolves true when the next step may run, false when the run should end. `onBlock` runs
   * once, between steps, when the gate is about to wait on a pause (e.g. to checkpoint).
   */
  async gate(onBlock?: () => Promise<void>): Promise<boolean> {
    // A macrotask turn, so pause/stop messages get in even when the backend's reads resolve
    // synchronously (cpu): otherwise the loop would never leave the microtask queue.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    let blocked = false;
    for (;;) {
      if (this.stopRequested) return false;
      if (!this.paused) return true;
      if (this.pendingSteps > 0) {
        this.pendingSteps--;
        return true;
      }
      if (onBlock && !blocked) {
        blocked = true;
        // Resume/step/stop may arrive meanwhile: the checks above run again before waiting.
        await onBlock();
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private release(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
