// Text a file said, as a message may repeat it: at most LIMITS.quoteChars characters of it, so a
// refusal that names a tensor, a weight, a layer, a shape or a key stays a short message whatever
// the file holds (a 30 M-character name in a notice took Chromium 10 s to lay out). Every refusal
// that interpolates file content goes through here. Pure: only src/limits.ts.
import { LIMITS } from './limits';

const MAX = LIMITS.quoteChars.value;

/** The first `n` characters of `text`, not ending inside a surrogate pair. */
function head(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

const length = (n: number): string => `(${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} characters)`;

/** `text` cut to `max` characters, with "…" and its full length when cut. */
export function clip(text: string, max: number = MAX): string {
  return text.length <= max ? text : `${head(text, max - 1)}… ${length(text.length)}`;
}

/** A name or key from a file, in double quotes: `"mask_token"`, or `"very_long…" (1 234 567 characters)`. */
export function quote(text: unknown, max: number = MAX): string {
  // Not a string (a file may put anything where a name goes): described, never String()-ed whole.
  if (typeof text !== 'string') return valueText(text, max);
  return text.length <= max ? `"${text}"` : `"${head(text, max - 1)}…" ${length(text.length)}`;
}

/** A shape or list of numbers from a file, `[3,3,64,64]`, cut after `max` characters. */
export function shapeText(shape: readonly unknown[], max: number = MAX): string {
  // Built item by item so a list of millions is never joined whole.
  let out = '[';
  for (let i = 0; i < shape.length; i++) {
    const item = (i ? ',' : '') + (typeof shape[i] === 'number' ? String(shape[i]) : typeof shape[i]);
    if (out.length + item.length > max - 1) return `${out}…] (${shape.length} entries)`;
    out += item;
  }
  return `${out}]`;
}

/** Any JSON-ish value a file gave, for "got …" in a message: JSON text cut to `max` characters. */
export function valueText(value: unknown, max: number = MAX): string {
  if (Array.isArray(value)) return shapeText(value, max);
  if (typeof value === 'string') return quote(value, max);
  if (value === null || typeof value !== 'object') return clip(typeof value === 'function' ? 'a function' : String(value), max);
  // The first few keys only: an object of millions is never listed whole.
  const keys: string[] = [];
  for (const k in value) {
    if (keys.length === 4) {
      keys.push('…');
      break;
    }
    keys.push(quote(k, 24));
  }
  return clip(keys.length ? `an object with keys ${keys.join(', ')}` : 'an empty object', max);
}
