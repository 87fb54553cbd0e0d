// Human-readable numbers for cards, the progress bar and tables.

/** "1:05" for 65 s, "1:02:03" past an hour, "—" when unknown or non-finite. */
export function formatEta(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function si(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—';
  const prefixes: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, p] of prefixes) {
    if (Math.abs(value) >= scale) {
      const v = value / scale;
      return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${p}${unit}`;
    }
  }
  return `${Math.round(value)} ${unit}`.trimEnd();
}

/** "12.3 MFLOPs". */
export const formatFlops = (flops: number): string => si(flops, 'FLOPs');

/** "48.2 k" parameters. */
export const formatParams = (n: number): string => si(n, '').trim();

/** Losses and metrics: 4 significant digits, exponent form when tiny or huge. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** "[16, 16, 64]". */
export const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** "0.83" as "83.0 %". */
export const formatPercent = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '—');
