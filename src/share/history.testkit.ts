import { appendLosses, appendMetric, type SeriesMap } from './series';
import type { RunProgress } from '../engine/progress';

/** A history as the store builds it from progress events. */
export function sampleHistory(): { losses: SeriesMap; metrics: SeriesMap } {
  let losses: SeriesMap = {};
  let metrics: SeriesMap = {};
  const events: RunProgress[] = [];
  for (let step = 1; step <= 5; step++) {
    events.push({ runId: 1, stage: 'masks', step, total: 5, losses: { task: 1 / step, dice: 0.3 + step * 1e-17, total: 1 / step + 0.3 }, msPerStep: 1, etaMs: 0, numTensors: 1 });
  }
  for (let step = 1; step <= 4; step++) {
    events.push({ runId: 2, stage: 'distill', method: 'maskd', step, total: 4, losses: { task: 0.1 * step, distill: Math.PI / step, total: NaN }, msPerStep: 1, etaMs: 0, numTensors: 1, metric: step % 2 === 0 ? { name: 'mIoU', value: step / 10 } : undefined });
  }
  for (const e of events) {
    losses = appendLosses(losses, e);
    metrics = appendMetric(metrics, e);
  }
  return { losses, metrics };
}
