// Linear quantisation with stated error bounds, for the share link.
//
// Rows (e.g. one token each) are quantised separately to L = 2^bits levels between the row's own
// min and max (both float32, so stored exactly):
//   step = (max − min) / (L − 1),  code = round((v − min) / step),  v' = fround(min + code·step)
// so |v' − v| ≤ (max − min) / (2·(L − 1)), plus the float32 rounding of v' (≤ 2⁻²⁴·|v'|, or
// 2⁻¹⁵⁰ for subnormals), and min ≤ v' ≤ max.
// A constant row (max = min) decodes exactly.
//
// Values known to lie in [0, 1] (masks) use 8 bits: code = round(255·v), v' = fround(code / 255),
// error ≤ 1/510 (+ float32 rounding, ≤ 2⁻²⁵).

export type QuantBits = 8 | 16;

export interface QuantizedRows {
  bits: QuantBits;
  rowLength: number;
  mins: Float32Array;
  maxs: Float32Array;
  /** One code per value; for 8 bits every code is < 256. */
  codes: Uint16Array;
}

export const UNIT_ERROR_BOUND = 1 / 510;

/** The stated bound for one row: (max − min) / (2·(2^bits − 1)). */
export function quantizationErrorBound(min: number, max: number, bits: QuantBits): number {
  return (max - min) / (2 * (2 ** bits - 1));
}

/** `data` must be finite; its length a multiple of `rowLength`. */
export function quantizeRows(data: Float32Array, rowLength: number, bits: QuantBits): QuantizedRows {
  if (!Number.isInteger(rowLength) || rowLength < 1 || data.length % rowLength !== 0) {
    throw new Error(`quantize: ${data.length} values do not split into rows of ${rowLength}`);
  }
  const rows = data.length / rowLength;
  const top = 2 ** bits - 1;
  const mins = new Float32Array(rows);
  const maxs = new Float32Array(rows);
  const codes = new Uint16Array(data.length);
  for (let r = 0; r < rows; r++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = r * rowLength; i < (r + 1) * rowLength; i++) {
      if (data[i] < lo) lo = data[i];
      if (data[i] > hi) hi = data[i];
    }
    mins[r] = lo;
    maxs[r] = hi;
    const step = (hi - lo) / top;
    if (step === 0) continue;
    for (let i = r * rowLength; i < (r + 1) * rowLength; i++) {
      codes[i] = Math.min(top, Math.max(0, Math.round((data[i] - lo) / step)));
    }
  }
  return { bits, rowLength, mins, maxs, codes };
}

export function dequantizeRows(q: QuantizedRows): Float32Array {
  const out = new Float32Array(q.codes.length);
  const top = 2 ** q.bits - 1;
  for (let r = 0; r < q.mins.length; r++) {
    const lo = q.mins[r];
    const step = (q.maxs[r] - lo) / top;
    // The clamp keeps v' ≤ max after float32 rounding (max is a float32, rounding is monotone).
    for (let i = r * q.rowLength; i < (r + 1) * q.rowLength; i++) out[i] = Math.min(q.maxs[r], lo + q.codes[i] * step);
  }
  return out;
}

/** Values in [0, 1] to 8-bit codes. */
export function quantizeUnit(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, data[i])) * 255);
  return out;
}

export function dequantizeUnit(codes: Uint8Array): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] / 255;
  return out;
}
