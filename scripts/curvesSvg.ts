// The reproduction's curves as one SVG: validation metric against step, one line per method
// (the mean over seeds) with a band between the seeds' lowest and highest value; a panel per task.
// Pure string building, so the picture is tested without a browser; scripts/svgPng.ts rasterises it.

export interface CurveSeries {
  readonly label: string;
  readonly colour: string;
  /** Per seed: (step, metric) at each evaluation; seeds share their steps. */
  readonly seeds: readonly (readonly (readonly [number, number])[])[];
}

export interface CurvePanel {
  readonly title: string;
  readonly metricName: string;
  readonly series: readonly CurveSeries[];
  /** Horizontal reference lines, e.g. the teacher's test metric. */
  readonly references?: readonly { readonly label: string; readonly value: number }[];
}

const W = 600;
const H = 360;
const M = { left: 56, right: 190, top: 34, bottom: 44 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString());

/** Mean, lowest and highest over seeds at each step of the first seed. */
export function summarise(seeds: CurveSeries['seeds']): { step: number; mean: number; lo: number; hi: number }[] {
  if (!seeds.length) return [];
  return seeds[0].map(([step], i) => {
    const ys = seeds.map((s) => s[i]?.[1]).filter((y): y is number => Number.isFinite(y));
    return { step, mean: ys.reduce((a, b) => a + b, 0) / ys.length, lo: Math.min(...ys), hi: Math.max(...ys) };
  });
}

/** About five round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function panel(p: CurvePanel, x0: number): string {
  const pts = p.series.flatMap((s) => summarise(s.seeds));
  const refs = p.references ?? [];
  const steps = pts.map((q) => q.step);
  const ys = [...pts.flatMap((q) => [q.lo, q.hi]), ...refs.map((r) => r.value)].filter(Number.isFinite);
  const xMin = Math.min(0, ...steps);
  const xMax = Math.max(1, ...steps);
  const yLo = Math.max(0, Math.min(...ys) - 0.02);
  const yHi = Math.min(1, Math.max(...ys) + 0.02);
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const sx = (v: number) => x0 + M.left + ((v - xMin) / (xMax - xMin || 1)) * iw;
  const sy = (v: number) => M.top + ih - ((v - yLo) / (yHi - yLo || 1)) * ih;
  const out: string[] = [];
  out.push(`<text x="${x0 + M.left}" y="20" font-size="14" font-weight="600">${esc(p.title)}</text>`);
  for (const t of ticks(yLo, yHi)) {
    out.push(`<line x1="${x0 + M.left}" x2="${x0 + M.left + iw}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${x0 + M.left - 6}" y="${sy(t) + 4}" font-size="11" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of ticks(xMin, xMax)) {
    out.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${M.top + ih}" y2="${M.top + ih + 4}" stroke="#374151"/>`);
    out.push(`<text x="${sx(t)}" y="${M.top + ih + 16}" font-size="11" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${x0 + M.left}" y="${M.top}" width="${iw}" height="${ih}" fill="none" stroke="#374151"/>`);
  out.push(`<text x="${x0 + M.left + iw / 2}" y="${H - 8}" font-size="12" text-anchor="middle">step</text>`);
  out.push(`<text transform="translate(${x0 + 14},${M.top + ih / 2}) rotate(-90)" font-size="12" text-anchor="middle">validation ${esc(p.metricName)}</text>`);
  for (const r of refs) {
    out.push(`<line x1="${x0 + M.left}" x2="${x0 + M.left + iw}" y1="${sy(r.value)}" y2="${sy(r.value)}" stroke="#6b7280" stroke-dasharray="5 4"/>`);
  }
  let legendY = M.top + 6;
  for (const s of p.series) {
    const q = summarise(s.seeds);
    if (!q.length) continue;
    const band = [...q.map((v) => `${sx(v.step)},${sy(v.hi)}`), ...[...q].reverse().map((v) => `${sx(v.step)},${sy(v.lo)}`)].join(' ');
    out.push(`<polygon points="${band}" fill="${s.colour}" fill-opacity="0.15" stroke="none"/>`);
    out.push(`<polyline points="${q.map((v) => `${sx(v.step)},${sy(v.mean)}`).join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2"/>`);
    out.push(`<line x1="${x0 + W - M.right + 10}" x2="${x0 + W - M.right + 30}" y1="${legendY}" y2="${legendY}" stroke="${s.colour}" stroke-width="3"/>`);
    out.push(`<text x="${x0 + W - M.right + 36}" y="${legendY + 4}" font-size="12">${esc(s.label)}</text>`);
    legendY += 18;
  }
  for (const r of refs) {
    out.push(`<line x1="${x0 + W - M.right + 10}" x2="${x0 + W - M.right + 30}" y1="${legendY}" y2="${legendY}" stroke="#6b7280" stroke-dasharray="5 4"/>`);
    out.push(`<text x="${x0 + W - M.right + 36}" y="${legendY + 4}" font-size="12">${esc(r.label)} ${fmt(r.value)}</text>`);
    legendY += 18;
  }
  return out.join('\n');
}

/** Panels side by side, white background, system sans-serif. */
export function curvesSvg(panels: readonly CurvePanel[]): string {
  const width = W * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" viewBox="0 0 ${width} ${H}" font-family="DejaVu Sans, Arial, sans-serif" fill="#111827">`,
    `<rect width="${width}" height="${H}" fill="#ffffff"/>`,
    ...panels.map((p, i) => panel(p, i * W)),
    '</svg>',
  ].join('\n');
}
