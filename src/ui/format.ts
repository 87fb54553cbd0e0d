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

/**
 * Numbers for people: mask areas, losses and metrics with 2–3 significant digits. Below 0.001
 * reads `<0.001`, below 0.01 three decimals (`0.004`), below 1 `digits` significant digits
 * (`0.82`, `0.80`), up to 1000 three (`1.23`, `12.3`, `123`, `2.10`), then whole numbers, exponent
 * form from 1e6.
 * Full precision goes in a tooltip: {@link fullPrecision}.
 */
export function formatReadable(v: number | null | undefined, digits: 2 | 3 = 2): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const sign = v < 0 ? '−' : '';
  if (a < 0.001) return v < 0 ? '>−0.001' : '<0.001';
  if (a < 0.01) return sign + a.toFixed(3);
  // Trailing zeros kept, so a column reads alike: 0.090 beside 0.092.
  if (a < 1) return sign + a.toPrecision(digits);
  if (a < 1000) return sign + a.toPrecision(3);
  if (a < 1e6) return sign + String(Math.round(a));
  return sign + a.toExponential(2).replace('e+', 'e');
}

/** The value as stored (for a title tooltip beside a {@link formatReadable} number). */
export function fullPrecision(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  return String(v);
}

/** "[16, 16, 64]". */
export const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** "0.83" as "83.0 %". */
export const formatPercent = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)} %` : '—');
