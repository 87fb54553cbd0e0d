// The share-link codec: LinkState ⇄ URL fragment.
//
//   fragment = "#mkd" + version + "." + base64url(deflateRaw(payload))
//
// with the payload laid out in linkBinary.ts (header + quantised typed arrays + CRC-32).
// The version sits in clear text so a link from another format version is named as such before
// any decoding. The whole fragment is capped at LINK_LIMITS.maxHashChars (32 KB).
//
// Encoding degrades in a fixed order until the link fits, and says what it gave up:
//   1. drop the token-weight branch
//   2. fewer preview scenes (largest count that fits, at least one)
//   3. 16-bit → 8-bit token quantisation (previews re-maximised)
//   4. halve the mask images, repeatedly, down to MIN_MASK_SIDE (previews re-maximised each time)
// and returns an error when even that does not fit.
//
// Decoding trusts nothing: length and alphabet first, version, then inflate into a fixed buffer of
// maxPayloadBytes + 1 bytes (a bigger result is refused, so a deflate bomb cannot allocate more),
// checksum, bounds-checked parse, and finally the same validator the encoder uses. A valid link's
// settings are then clamped to the Setup fields' ranges (clampLinkSettings), each clamp noted.
// decodeLink and encodeLink never throw.
import { deflateSync, inflateSync } from 'fflate';
import { decodeBase64Url, encodeBase64Url } from './base64url';
import { PayloadError } from './bytes';
import { readLinkPayload, writeLinkPayload } from './linkBinary';
import { clampLinkSettings, LINK_FORMAT_VERSION, LINK_LIMITS, validateLinkState, type LinkState } from './linkSchema';
import { halveMasks } from './maskResample';
import { quantizationErrorBound, UNIT_ERROR_BOUND, type QuantBits } from './quantize';
import { errorText } from '../errorText';

export const LINK_HASH_PREFIX = `#mkd${LINK_FORMAT_VERSION}.`;
/** Mask images are not halved below this side length. */
export const MIN_MASK_SIDE = 8;

export interface EncodeLinkOptions {
  /** Token (and branch) quantisation before any degradation; default 16. */
  tokenBits?: QuantBits;
  /** A lower cap than the 32 KB default (never a higher one). */
  maxHashChars?: number;
}

export type LinkDegradation =
  | { kind: 'dropped-token-weights' }
  | { kind: 'fewer-previews'; from: number; to: number }
  | { kind: 'coarser-tokens'; fromBits: QuantBits; toBits: QuantBits }
  | { kind: 'smaller-masks'; from: [number, number]; to: [number, number] };

export type EncodeLinkResult =
  | {
      ok: true;
      /** The fragment, '#' included: append it to the page URL. */
      hash: string;
      /** What the link holds (after any degradation, before quantisation); may share buffers with the input. */
      state: LinkState;
      tokenBits: QuantBits;
      degraded: LinkDegradation[];
    }
  | { ok: false; error: string };

export type DecodeLinkResult =
  | {
      ok: true;
      /** The link's state, its settings clamped to the Setup fields' ranges (src/share/settingRanges.ts SETTING_RANGES). */
      state: LinkState;
      tokenBits: QuantBits;
      /** One note per clamped setting, for the page to show ("Distill: batch size 4 096 is outside 1–128; set to 128"). */
      clamped: string[];
    }
  | { ok: false; error: string };

/** Whether a location hash looks like a share link (decode it to know whether it is a valid one). */
export function isShareHash(hash: string): boolean {
  return /^#?mkd\d+\./.test(hash);
}

export function describeDegradation(d: LinkDegradation): string {
  switch (d.kind) {
    case 'dropped-token-weights':
      return 'the token-weight branch was left out';
    case 'fewer-previews':
      return `only ${d.to} of ${d.from} preview scenes are included`;
    case 'coarser-tokens':
      return `tokens are quantised to ${d.toBits} bits instead of ${d.fromBits}`;
    case 'smaller-masks':
      return `mask images are reduced from ${d.from[0]}×${d.from[1]} to ${d.to[0]}×${d.to[1]} pixels`;
  }
}

/** The stated quantisation error bounds of a state encoded with `bits` (max over rows / tensors). */
export function linkErrorBounds(state: LinkState, bits: QuantBits): { tokens: number; tokenWeights: number; masks: number } {
  const rowBound = (data: Float32Array, from: number, to: number): number => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      lo = Math.min(lo, data[i]);
      hi = Math.max(hi, data[i]);
    }
    return to > from ? quantizationErrorBound(lo, hi, bits) : 0;
  };
  const { numTokens: t, channels: c, data } = state.tokens;
  let tokens = 0;
  for (let r = 0; r < t; r++) tokens = Math.max(tokens, rowBound(data, r * c, (r + 1) * c));
  const w = state.tokenWeights;
  const tokenWeights = w ? Math.max(...[w.kernel3x3, w.bias3x3, w.kernel1x1, w.bias1x1].map((a) => rowBound(a, 0, a.length))) : 0;
  return { tokens, tokenWeights, masks: state.masks ? UNIT_ERROR_BOUND : 0 };
}

interface Plan {
  branch: boolean;
  previews: number;
  bits: QuantBits;
  halvings: number;
}

function build(state: LinkState, plan: Plan): LinkState {
  const out: LinkState = { ...state, previews: state.previews.slice(0, plan.previews) };
  if (!plan.branch) delete out.tokenWeights;
  if (state.masks) {
    const { height: h, width: w } = state.masks;
    const t = state.tokens.numTokens;
    let masks = { height: h, width: w, data: state.masks.data.subarray(0, plan.previews * h * w * t) };
    for (let i = 0; i < plan.halvings; i++) masks = halveMasks(masks, plan.previews, t);
    out.masks = masks;
  }
  return out;
}

/** Bytes the payload would take, from the shapes alone (to skip building hopeless candidates). */
function payloadBytesAtLeast(state: LinkState, bits: QuantBits): number {
  const { numTokens: t, channels: c } = state.tokens;
  const per = bits / 8;
  let n = t * c * per;
  if (state.tokenWeights) n += (9 * c * c + c + c * t + t) * per;
  if (state.masks) n += state.previews.length * t * state.masks.height * state.masks.width;
  return n;
}

function tryEncode(state: LinkState, bits: QuantBits, maxChars: number): string | null {
  if (payloadBytesAtLeast(state, bits) > LINK_LIMITS.maxPayloadBytes) return null;
  const payload = writeLinkPayload(state, bits);
  if (payload.length > LINK_LIMITS.maxPayloadBytes) return null;
  // Base64 grows 4/3; a deflated payload above this cannot fit, but the check below decides.
  const hash = LINK_HASH_PREFIX + encodeBase64Url(deflateSync(payload, { level: 9 }));
  return hash.length <= maxChars ? hash : null;
}

function describeError(e: unknown): string {
  return errorText(e);
}

/** Encodes `state` as a fragment within the size cap, degrading in the fixed order above when needed. */
export function encodeLink(state: LinkState, options: EncodeLinkOptions = {}): EncodeLinkResult {
  try {
    const problem = validateLinkState(state);
    if (problem) return { ok: false, error: `Cannot share this state: ${problem}.` };
    const maxChars = Math.min(options.maxHashChars ?? LINK_LIMITS.maxHashChars, LINK_LIMITS.maxHashChars);
    const startBits: QuantBits = options.tokenBits ?? 16;
    if (startBits !== 8 && startBits !== 16) return { ok: false, error: 'Cannot share this state: token quantisation must be 8 or 16 bits.' };
    const p0 = state.previews.length;
    const attempt = (plan: Plan): string | null => tryEncode(build(state, plan), plan.bits, maxChars);

    // The most previews (within [lo, hi]) that fit with the rest of `plan`; assumes fewer never hurts.
    const mostPreviews = (plan: Omit<Plan, 'previews'>, lo: number, hi: number): { plan: Plan; hash: string } | null => {
      let best: { plan: Plan; hash: string } | null = null;
      while (lo <= hi) {
        const mid = Math.ceil((lo + hi) / 2);
        const candidate = { ...plan, previews: mid };
        const hash = attempt(candidate);
        if (hash) {
          best = { plan: candidate, hash };
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return best;
    };

    const minPreviews = Math.min(1, p0);
    const branch = state.tokenWeights !== undefined;
    const stages: Array<() => { plan: Plan; hash: string } | null> = [
      () => mostPreviews({ branch, bits: startBits, halvings: 0 }, p0, p0),
      () => (branch ? mostPreviews({ branch: false, bits: startBits, halvings: 0 }, p0, p0) : null),
      () => mostPreviews({ branch: false, bits: startBits, halvings: 0 }, minPreviews, p0 - 1),
      () => (startBits === 16 ? mostPreviews({ branch: false, bits: 8, halvings: 0 }, minPreviews, p0) : null),
    ];
    if (state.masks) {
      let side = Math.max(state.masks.height, state.masks.width);
      for (let halvings = 1; side > MIN_MASK_SIDE; halvings++) {
        side = Math.ceil(side / 2);
        const k = halvings;
        stages.push(() => mostPreviews({ branch: false, bits: 8, halvings: k }, minPreviews, p0));
      }
    }
    for (const stage of stages) {
      const found = stage();
      if (!found) continue;
      const { plan, hash } = found;
      const encoded = build(state, plan);
      const degraded: LinkDegradation[] = [];
      if (branch && !plan.branch) degraded.push({ kind: 'dropped-token-weights' });
      if (plan.previews < p0) degraded.push({ kind: 'fewer-previews', from: p0, to: plan.previews });
      if (plan.bits !== startBits) degraded.push({ kind: 'coarser-tokens', fromBits: startBits, toBits: plan.bits });
      if (state.masks && encoded.masks && plan.halvings > 0) {
        degraded.push({ kind: 'smaller-masks', from: [state.masks.height, state.masks.width], to: [encoded.masks.height, encoded.masks.width] });
      }
      return { ok: true, hash, state: encoded, tokenBits: plan.bits, degraded };
    }
    return {
      ok: false,
      error: `This visualisation does not fit in a ${Math.round(maxChars / 1024)} KB link even without the token-weight branch, with one preview, 8-bit tokens and small mask images. Export the tokens as a file instead.`,
    };
  } catch (e) {
    return { ok: false, error: `Cannot share this state: ${describeError(e)}` };
  }
}

function decodeOrThrow(input: unknown): { state: LinkState; tokenBits: QuantBits; clamped: string[] } {
  if (typeof input !== 'string') throw new PayloadError('there is no link text');
  const at = input.indexOf('#');
  const body = at >= 0 ? input.slice(at + 1) : input;
  if (body.length + 1 > LINK_LIMITS.maxHashChars) throw new PayloadError(`the link is longer than the ${LINK_LIMITS.maxHashChars / 1024} KB limit`);
  const m = /^mkd(\d{1,6})\.([A-Za-z0-9_-]*)$/.exec(body);
  if (!m) {
    if (/^mkd\d{1,6}\./.test(body)) throw new PayloadError('the link contains characters that do not belong in it; it may have been cut or edited');
    throw new PayloadError('this is not a MasKD share link');
  }
  const version = Number(m[1]);
  if (version !== LINK_FORMAT_VERSION) {
    throw new PayloadError(`the link uses format version ${version}; this app reads version ${LINK_FORMAT_VERSION}`);
  }
  const compressed = decodeBase64Url(m[2]);
  if (!compressed || compressed.length === 0) throw new PayloadError('the link is damaged (not valid base64url); it may have been cut or edited');
  const out = new Uint8Array(LINK_LIMITS.maxPayloadBytes + 1);
  let payload: Uint8Array;
  try {
    payload = inflateSync(compressed, { out });
  } catch {
    throw new PayloadError('the link is damaged (its compressed data is invalid); it may have been cut or edited');
  }
  if (payload.length > LINK_LIMITS.maxPayloadBytes) {
    throw new PayloadError(`the link decompresses to more than ${LINK_LIMITS.maxPayloadBytes / (1024 * 1024)} MiB, which no valid link does`);
  }
  const { state, bits } = readLinkPayload(payload);
  const problem = validateLinkState(state);
  if (problem) throw new PayloadError(problem);
  const clamped = clampLinkSettings(state);
  return { state: clamped.state, tokenBits: bits, clamped: clamped.clamped };
}

/** Decodes a fragment (or a whole URL, or the fragment without '#'). Never throws. */
export function decodeLink(input: unknown): DecodeLinkResult {
  try {
    return { ok: true, ...decodeOrThrow(input) };
  } catch (e) {
    const reason = e instanceof PayloadError ? e.message : 'the link could not be read';
    return { ok: false, error: `This share link cannot be opened: ${reason}.` };
  }
}
