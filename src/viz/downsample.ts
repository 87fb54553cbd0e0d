// What a chart draws: at most a few hundred points per series, chosen to keep the curve's shape.

export interface XY {
  readonly x: number;
  readonly y: number;
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013): keeps the first and last points and, per
 * bucket, the point forming the largest triangle with its neighbours' picks, so spikes survive.
 * Returns the input itself when it already fits. Non-finite y values are dropped first.
 */
export function lttb(points: readonly XY[], threshold: number): readonly XY[] {
  const data = points.every((p) => Number.isFinite(p.y)) ? points : points.filter((p) => Number.isFinite(p.y));
  const n = data.length;
  if (threshold >= n || n <= 2) return data;
  if (threshold < 3) return [data[0], data[n - 1]];
  const out: XY[] = [data[0]];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += data[j].x;
      avgY += data[j].y;
    }
    const len = Math.max(1, nextEnd - nextStart);
    avgX /= len;
    avgY /= len;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((data[a].x - avgX) * (data[j].y - data[a].y) - (data[a].x - data[j].x) * (avgY - data[a].y));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(data[best]);
    a = best;
  }
  out.push(data[n - 1]);
  return out;
}

/** Exponential moving average with TensorBoard's debiasing; weight 0 returns the input. */
export function smooth(points: readonly XY[], weight: number): readonly XY[] {
  if (weight <= 0) return points;
  const w = Math.min(weight, 0.999);
  let last = 0;
  let debias = 1;
  const out: XY[] = [];
  for (const p of points) {
    if (!Number.isFinite(p.y)) continue;
    last = last * w + (1 - w) * p.y;
    debias *= w;
    out.push({ x: p.x, y: last / (1 - debias) });
  }
  return out;
}

/** Points a log-scale axis can draw (strictly positive, finite). */
export function positiveOnly(points: readonly XY[]): readonly XY[] {
  return points.every((p) => p.y > 0) ? points : points.filter((p) => p.y > 0 && Number.isFinite(p.y));
}
