// The binary payload of a share link, format v1 (before deflate). All numbers little-endian.
//
//   u8   flags        bit 0: token-weight branch follows; bit 1: mask images follow; others 0
//   u8   task         0 segmentation, 1 detection, 2 custom
//   2 ×  model        teacher then student: u8 kind; kind 0 built-in → u8 n, n ASCII bytes;
//                     kind 1 sha256 → 32 raw bytes
//   u32  seed
//   u8   K            hyper-parameters, K × (u8 id = index in HYPER_PARAM_SPECS,
//                     u8 tag: 0 false | 1 true | 2 → f64 | 3 → u8 n + n ASCII bytes)
//   u8   P            preview scenes, P × u32 seed
//   u8 T, u16 C, u8 bits (8 | 16)
//   tokens           T × (f32 min, f32 max) per row, then T·C codes
//   branch (bit 0)   conv3×3 kernel HWIO, conv3×3 bias, conv1×1 kernel HWIO, conv1×1 bias:
//                    each f32 min, f32 max (one row per tensor), then its codes
//   masks (bit 1)    u8 H, u8 W, then P·T·H·W u8 codes planar [P,T,H,W] (the state's [P,H,W,T]
//                    transposed), each image row stored as differences to its left neighbour
//   u32  CRC-32 of every byte above
//
// Codes are `bits` wide; 16-bit codes are stored as two planes (all high bytes, then all low
// bytes), and masks planar and row-differenced, because deflate then finds far more repeats
// than in interleaved bytes. See quantize.ts for the error bounds.
import { ByteReader, ByteWriter, PayloadError } from './bytes';
import { crc32 } from './crc32';
import {
  HYPER_PARAM_SPECS,
  LINK_FORMAT_VERSION,
  LINK_LIMITS,
  LINK_TASKS,
  SAFE_STRING,
  checkHyperValue,
  hyperSpecIndex,
  type LinkHyperParams,
  type LinkMasks,
  type LinkState,
  type LinkTokenWeights,
  type ModelRef,
} from './linkSchema';
import { dequantizeRows, dequantizeUnit, quantizeRows, quantizeUnit, type QuantBits, type QuantizedRows } from './quantize';

const FLAG_BRANCH = 1;
const FLAG_MASKS = 2;
const TAG_FALSE = 0;
const TAG_TRUE = 1;
const TAG_NUMBER = 2;
const TAG_STRING = 3;

function writeAscii(w: ByteWriter, s: string): void {
  w.u8(s.length);
  for (let i = 0; i < s.length; i++) w.u8(s.charCodeAt(i));
}

function readAscii(r: ByteReader, what: string): string {
  const n = r.u8(what);
  const s = String.fromCharCode(...r.bytes(n, what));
  if (!SAFE_STRING.test(s)) throw new PayloadError(`${what} is not a plain identifier`);
  return s;
}

function writeModel(w: ByteWriter, m: ModelRef): void {
  if (m.kind === 'builtin') {
    w.u8(0);
    writeAscii(w, m.id);
  } else {
    w.u8(1);
    for (let i = 0; i < 64; i += 2) w.u8(parseInt(m.hex.slice(i, i + 2), 16));
  }
}

function readModel(r: ByteReader, role: string): ModelRef {
  const kind = r.u8(`${role} model`);
  if (kind === 0) return { kind: 'builtin', id: readAscii(r, `${role} model id`) };
  if (kind === 1) return { kind: 'sha256', hex: Array.from(r.bytes(32, `${role} model hash`), (b) => b.toString(16).padStart(2, '0')).join('') };
  throw new PayloadError(`${role} model has an unknown kind`);
}

function writeHyper(w: ByteWriter, hyper: LinkHyperParams): void {
  const entries = Object.entries(hyper).filter(([, v]) => v !== undefined);
  w.u8(entries.length);
  for (const [key, value] of entries) {
    w.u8(hyperSpecIndex(key));
    if (typeof value === 'boolean') w.u8(value ? TAG_TRUE : TAG_FALSE);
    else if (typeof value === 'number') {
      w.u8(TAG_NUMBER);
      w.f64(value);
    } else {
      w.u8(TAG_STRING);
      writeAscii(w, String(value));
    }
  }
}

function readHyper(r: ByteReader): LinkHyperParams {
  const count = r.u8('hyper-parameters');
  if (count > HYPER_PARAM_SPECS.length) throw new PayloadError('too many hyper-parameters');
  const out: Record<string, number | boolean | string> = {};
  for (let i = 0; i < count; i++) {
    const id = r.u8('hyper-parameter id');
    const spec = HYPER_PARAM_SPECS[id];
    if (!spec) throw new PayloadError(`unknown hyper-parameter #${id}`);
    if (Object.prototype.hasOwnProperty.call(out, spec.key)) throw new PayloadError(`hyper-parameter "${spec.key}" appears twice`);
    const tag = r.u8('hyper-parameter type');
    let value: number | boolean | string;
    if (tag === TAG_FALSE || tag === TAG_TRUE) value = tag === TAG_TRUE;
    else if (tag === TAG_NUMBER) value = r.f64(spec.key);
    else if (tag === TAG_STRING) value = readAscii(r, `hyper-parameter "${spec.key}"`);
    else throw new PayloadError(`hyper-parameter "${spec.key}" has an unknown type`);
    const problem = checkHyperValue(spec, value);
    if (problem) throw new PayloadError(problem);
    out[spec.key] = value;
  }
  return out as LinkHyperParams;
}

function writeCodes(w: ByteWriter, codes: Uint16Array, bits: QuantBits): void {
  const planes = new Uint8Array(codes.length * (bits / 8));
  if (bits === 8) planes.set(codes);
  else {
    for (let i = 0; i < codes.length; i++) {
      planes[i] = codes[i] >> 8;
      planes[codes.length + i] = codes[i] & 255;
    }
  }
  w.bytes(planes);
}

function readCodes(r: ByteReader, count: number, bits: QuantBits, what: string): Uint16Array {
  const raw = r.bytes(count * (bits / 8), what);
  const codes = new Uint16Array(count);
  if (bits === 8) codes.set(raw);
  else for (let i = 0; i < count; i++) codes[i] = (raw[i] << 8) | raw[count + i];
  return codes;
}

function writeQuantized(w: ByteWriter, q: QuantizedRows): void {
  for (let i = 0; i < q.mins.length; i++) {
    w.f32(q.mins[i]);
    w.f32(q.maxs[i]);
  }
  writeCodes(w, q.codes, q.bits);
}

function readQuantized(r: ByteReader, rows: number, rowLength: number, bits: QuantBits, what: string): Float32Array {
  const mins = new Float32Array(rows);
  const maxs = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    mins[i] = r.f32(what);
    maxs[i] = r.f32(what);
    if (!(Math.abs(mins[i]) <= LINK_LIMITS.maxAbsValue && Math.abs(maxs[i]) <= LINK_LIMITS.maxAbsValue && mins[i] <= maxs[i])) {
      throw new PayloadError(`${what} has an invalid value range`);
    }
  }
  return dequantizeRows({ bits, rowLength, mins, maxs, codes: readCodes(r, rows * rowLength, bits, what) });
}

function writeMasks(w: ByteWriter, m: LinkMasks, previews: number, tokens: number): void {
  const { height: h, width: wd } = m;
  const codes = quantizeUnit(m.data);
  const planar = new Uint8Array(codes.length);
  for (let p = 0; p < previews; p++)
    for (let t = 0; t < tokens; t++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < wd; x++) {
          const src = ((p * h + y) * wd + x) * tokens + t;
          const left = x > 0 ? codes[src - tokens] : 0;
          planar[((p * tokens + t) * h + y) * wd + x] = (codes[src] - left) & 255;
        }
  w.u8(h);
  w.u8(wd);
  w.bytes(planar);
}

function readMasks(r: ByteReader, previews: number, tokens: number): LinkMasks {
  const h = r.u8('mask height');
  const wd = r.u8('mask width');
  if (h < 1 || wd < 1 || h > LINK_LIMITS.maxMaskSide || wd > LINK_LIMITS.maxMaskSide) {
    throw new PayloadError(`mask images must be 1–${LINK_LIMITS.maxMaskSide} pixels on each side`);
  }
  const planar = r.bytes(previews * tokens * h * wd, 'mask images');
  const codes = new Uint8Array(planar.length);
  for (let p = 0; p < previews; p++)
    for (let t = 0; t < tokens; t++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < wd; x++) {
          const dst = ((p * h + y) * wd + x) * tokens + t;
          const left = x > 0 ? codes[dst - tokens] : 0;
          codes[dst] = (planar[((p * tokens + t) * h + y) * wd + x] + left) & 255;
        }
  return { height: h, width: wd, data: dequantizeUnit(codes) };
}

/** The payload bytes of a state that passed validateLinkState. */
export function writeLinkPayload(state: LinkState, bits: QuantBits): Uint8Array {
  const w = new ByteWriter();
  const { numTokens: t, channels: c } = state.tokens;
  w.u8((state.tokenWeights ? FLAG_BRANCH : 0) | (state.masks ? FLAG_MASKS : 0));
  w.u8(LINK_TASKS.indexOf(state.task));
  writeModel(w, state.models.teacher);
  writeModel(w, state.models.student);
  w.u32(state.seed);
  writeHyper(w, state.hyper);
  w.u8(state.previews.length);
  for (const s of state.previews) w.u32(s);
  w.u8(t);
  w.u16(c);
  w.u8(bits);
  writeQuantized(w, quantizeRows(state.tokens.data, c, bits));
  if (state.tokenWeights) {
    const b = state.tokenWeights;
    for (const data of [b.kernel3x3, b.bias3x3, b.kernel1x1, b.bias1x1]) writeQuantized(w, quantizeRows(data, data.length, bits));
  }
  if (state.masks) writeMasks(w, state.masks, state.previews.length, t);
  const body = w.finish();
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, crc32(body), true);
  return out;
}

/** Parses payload bytes; throws PayloadError with a user-facing reason. */
export function readLinkPayload(payload: Uint8Array): { state: LinkState; bits: QuantBits } {
  if (payload.length < 5) throw new PayloadError('the link is cut short');
  const body = payload.subarray(0, payload.length - 4);
  const stored = new DataView(payload.buffer, payload.byteOffset + body.length, 4).getUint32(0, true);
  if (crc32(body) !== stored) throw new PayloadError('the link is damaged (checksum mismatch); it may have been cut or edited');
  const r = new ByteReader(body);
  const flags = r.u8('flags');
  if (flags & ~(FLAG_BRANCH | FLAG_MASKS)) throw new PayloadError('the link uses features this version does not know');
  const task = LINK_TASKS[r.u8('task')];
  if (!task) throw new PayloadError('the link names an unknown task');
  const teacher = readModel(r, 'teacher');
  const student = readModel(r, 'student');
  const seed = r.u32('seed');
  const hyper = readHyper(r);
  const previewCount = r.u8('previews');
  if (previewCount > LINK_LIMITS.maxPreviews) throw new PayloadError(`the link has ${previewCount} previews; at most ${LINK_LIMITS.maxPreviews} are allowed`);
  const previews: number[] = [];
  for (let i = 0; i < previewCount; i++) previews.push(r.u32('preview seed'));
  const t = r.u8('token count');
  const c = r.u16('token width');
  if (t < 1 || t > LINK_LIMITS.maxTokens) throw new PayloadError(`the link has ${t} tokens; 1–${LINK_LIMITS.maxTokens} are allowed`);
  if (c < 1 || c > LINK_LIMITS.maxChannels) throw new PayloadError(`the link's tokens are ${c} wide; 1–${LINK_LIMITS.maxChannels} are allowed`);
  const bits = r.u8('quantisation');
  if (bits !== 8 && bits !== 16) throw new PayloadError('the link uses an unknown quantisation');
  const tokens = { numTokens: t, channels: c, data: readQuantized(r, t, c, bits, 'tokens') };
  let tokenWeights: LinkTokenWeights | undefined;
  if (flags & FLAG_BRANCH) {
    const one = (n: number, what: string): Float32Array => readQuantized(r, 1, n, bits, what);
    tokenWeights = {
      kernel3x3: one(9 * c * c, 'token-weight conv3×3 kernel'),
      bias3x3: one(c, 'token-weight conv3×3 bias'),
      kernel1x1: one(c * t, 'token-weight conv1×1 kernel'),
      bias1x1: one(t, 'token-weight conv1×1 bias'),
    };
  }
  let masks: LinkMasks | undefined;
  if (flags & FLAG_MASKS) {
    if (previewCount === 0) throw new PayloadError('the link has mask images but no previews');
    masks = readMasks(r, previewCount, t);
  }
  if (r.remaining !== 0) throw new PayloadError('the link has unexpected trailing data');
  const state: LinkState = { v: LINK_FORMAT_VERSION, task, models: { teacher, student }, seed, hyper, tokens, previews };
  if (tokenWeights) state.tokenWeights = tokenWeights;
  if (masks) state.masks = masks;
  return { state, bits };
}
