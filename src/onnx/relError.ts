// The relative error every ONNX check uses (tests, npm run onnx:check): max |a − b| / max |b|.

/** max |a − b| / max |b| over equal-length arrays (Infinity when the lengths differ). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0, ref = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    ref = Math.max(ref, Math.abs(b[i]));
  }
  return a.length === b.length ? err / Math.max(ref, 1e-30) : Infinity;
}
