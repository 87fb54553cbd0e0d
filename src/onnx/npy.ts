// NumPy .npy files (version 1–3, little-endian float32 or float64, C order): read for the
// fixtures' inputs and expected outputs, and for `npm run onnx:check -- --input/--expected`.

export interface NpyArray {
  readonly shape: number[];
  readonly data: Float32Array;
}

export function readNpy(bytes: Uint8Array): NpyArray {
  const magic = String.fromCharCode(...bytes.subarray(1, 6));
  if (bytes[0] !== 0x93 || magic !== 'NUMPY') throw new Error('not a .npy file');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (fortran) throw new Error('.npy in Fortran order is not supported');
  const body = new Uint8Array(bytes.subarray(start + headerLen));
  if (descr === '<f4') return { shape, data: new Float32Array(body.buffer, 0, body.byteLength >> 2) };
  if (descr === '<f8') return { shape, data: Float32Array.from(new Float64Array(body.buffer, 0, body.byteLength >> 3)) };
  throw new Error(`.npy of dtype ${descr ?? '?'}: float32 or float64 expected`);
}
