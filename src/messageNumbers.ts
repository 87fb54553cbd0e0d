// Numbers as the parsers' and loaders' messages write them: digits grouped with spaces, bytes in
// decimal units. Pure: no imports, so every folder may use it.

/** A number with thin grouping for messages: 1600000000 → "1 600 000 000". */
export function groupDigits(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [int, frac] = String(Math.round(n * 1000) / 1000).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ' ') + (frac ? `.${frac}` : '');
}

/** Bytes for messages: "1.50 GB" style, decimal units (as file managers show). */
export function formatByteCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} bytes`;
}
