// Times every candidate backend within one overall budget and picks the fastest. The runner does
// the work (a throwaway worker per backend in the page, stopped when over its share); this is the
// pure part: order, shares of the budget, and the choice.
import type { BackendName } from '../types';
import type { BackendTiming, TimingRunner } from './types';
import { errorText } from '../../errorText';

export interface MeasureOptions {
  /** The whole calibration, all backends together (ms). */
  readonly budgetMs: number;
  /** No backend gets less than this, even when the budget is nearly spent (ms). */
  readonly minShareMs: number;
  readonly now?: () => number;
  /** After each backend: the figures so far and the backend timed next (null after the last). */
  readonly onTiming?: (timings: readonly BackendTiming[], next: BackendName | null) => void;
}

// 9 s of timing plus the workers' start-up keeps a first visit's calibration near 10 s.
export const DEFAULT_MEASURE: MeasureOptions = { budgetMs: 9_000, minShareMs: 2_000 };

/**
 * Measures the candidates in order (put the cheap, reliable one first), each with an equal share
 * of what is left of the budget. A failing runner becomes a timing with its error.
 */
export async function measureBackends(candidates: readonly BackendName[], run: TimingRunner, options: MeasureOptions = DEFAULT_MEASURE): Promise<BackendTiming[]> {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const timings: BackendTiming[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const left = options.budgetMs - (now() - start);
    const share = Math.max(options.minShareMs, Math.floor(left / (candidates.length - i)));
    try {
      timings.push(await run(candidates[i], share));
    } catch (err) {
      timings.push({ backend: candidates[i], msPerStep: null, error: errorText(err), detail: '' });
    }
    options.onTiming?.([...timings], candidates[i + 1] ?? null);
  }
  return timings;
}

/** The measured backend with the fewest ms per step; null when none has a figure. */
export function fastestBackend(timings: readonly BackendTiming[]): BackendName | null {
  let best: BackendTiming | null = null;
  for (const t of timings) {
    if (t.msPerStep === null) continue;
    if (!best || t.msPerStep < (best.msPerStep as number)) best = t;
  }
  return best?.backend ?? null;
}

/** Backends from fastest to slowest (unmeasured ones last, in their given order): the fallback order. */
export function byMeasuredSpeed(timings: readonly BackendTiming[]): BackendName[] {
  const measured = timings.filter((t) => t.msPerStep !== null).sort((a, b) => (a.msPerStep as number) - (b.msPerStep as number));
  const rest = timings.filter((t) => t.msPerStep === null);
  return [...measured, ...rest].map((t) => t.backend);
}
