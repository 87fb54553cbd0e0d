// The entries of a .safetensors JSON header counted in its bytes, before JSON.parse builds them:
// the members of the top-level object (tensors, and "__metadata__") and the members of the
// "__metadata__" object. One pass over the bytes, no allocation but the few short keys it compares,
// and it stops at the first count over its cap: a 56 MB header of 5.5 M metadata entries is refused
// after reading ~1 000 of them. Every ':' outside a string is one object member, so counting colons
// by nesting depth counts members whatever the whitespace; duplicate keys are counted each time,
// which only errs on the side of refusing.

export interface HeaderCounts {
  /** Top-level members other than "__metadata__". */
  readonly tensors: number;
  /** Members of "__metadata__". */
  readonly metadata: number;
}

export interface HeaderCaps {
  readonly tensors: number;
  readonly metadata: number;
}

/** Which cap a header ran over, and the count when it stopped (cap + 1). */
export type CountResult = { readonly over: null; readonly counts: HeaderCounts } | { readonly over: keyof HeaderCaps; readonly counts: HeaderCounts };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const METADATA = '__metadata__';
const METADATA_BYTES = Array.from(METADATA, (c) => c.charCodeAt(0));
/** "__metadata__" with every character escaped as \uXXXX is 72 bytes: a longer key cannot be it. */
const LONGEST_METADATA_KEY = METADATA.length * 6;

/** Whether the key between the quotes at `from` (exclusive) and `to` (exclusive) is "__metadata__". */
function isMetadataKey(b: Uint8Array, from: number, to: number, escaped: boolean): boolean {
  const n = to - from;
  if (!escaped) {
    if (n !== METADATA_BYTES.length) return false;
    for (let i = 0; i < n; i++) if (b[from + i] !== METADATA_BYTES[i]) return false;
    return true;
  }
  if (n > LONGEST_METADATA_KEY) return false;
  try {
    return JSON.parse(new TextDecoder().decode(b.subarray(from - 1, to + 1))) === METADATA;
  } catch {
    return false; // not a valid string: JSON.parse of the whole header refuses it next
  }
}

/**
 * Counts the header's tensors and metadata entries in `b` (the header's bytes) and stops at the
 * first over `caps`. A header that is not well-formed JSON is counted as far as it goes; JSON.parse
 * refuses it afterwards.
 */
export function countHeaderEntries(b: Uint8Array, caps: HeaderCaps): CountResult {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let stringStart = 0;
  let keyStart = 0;
  let keyEnd = 0;
  let keyEscaped = false;
  let inMetadata = false;
  let top = 0;
  let hasMetadata = false;
  let metadata = 0;
  const counts = (): HeaderCounts => ({ tensors: top - (hasMetadata ? 1 : 0), metadata });
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (inString) {
      if (c === BACKSLASH) {
        escaped = true;
        i++;
      } else if (c === QUOTE) {
        inString = false;
        if (depth === 1) {
          keyStart = stringStart;
          keyEnd = i;
          keyEscaped = escaped;
        }
      }
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      escaped = false;
      stringStart = i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 1) inMetadata = false;
    } else if (c === COLON) {
      if (depth === 1) {
        top++;
        inMetadata = isMetadataKey(b, keyStart, keyEnd, keyEscaped);
        if (inMetadata) hasMetadata = true;
        if (top - (hasMetadata ? 1 : 0) > caps.tensors) return { over: 'tensors', counts: counts() };
      } else if (depth === 2 && inMetadata) {
        metadata++;
        if (metadata > caps.metadata) return { over: 'metadata', counts: counts() };
      }
    }
  }
  return { over: null, counts: counts() };
}
