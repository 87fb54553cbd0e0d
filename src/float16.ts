// IEEE 754 half precision to a JS number: how tfjs converters quantise graph-model weights
// (byo/graphSizing reads their constants) and how ONNX stores FLOAT16 tensors (onnx/tensorData).
// Pure: no imports.

/** The value of the 16-bit pattern `bits` (sign, 5-bit exponent, 10-bit fraction). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
