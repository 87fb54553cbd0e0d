// One guard on every tensor the WebAssembly backend allocates, whoever asks (a loader's probe, a
// graph model's kernel, a training step). tfjs-backend-wasm 4.22 computes a tensor's byte count in
// JavaScript and hands it to a 32-bit malloc: 2^32 bytes or more wraps to a small block that the
// kernel then writes gigabytes past, over every weight and token in the heap; and a malloc that
// fails returns 0, which tfjs uses as an address. Both are refused here, before anything is
// written, with a typed error; the heap stays as it was.
import { util, type DataType } from '@tensorflow/tfjs';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { LIMITS } from '../../limits';
import { formatByteCount } from '../../messageNumbers';

/** A tensor the backend was asked for and did not allocate (too large, or the heap is full). */
export class BackendAllocationError extends Error {
  constructor(
    message: string,
    /** The bytes asked for. */
    readonly bytes: number,
  ) {
    super(message);
    this.name = 'BackendAllocationError';
  }
}

/** Throws when `bytes` of one tensor must not be asked of the wasm backend. */
export function checkWasmTensorBytes(shape: readonly number[], dtype: DataType, bytes: number): void {
  if (bytes < LIMITS.backendTensorBytes.value) return;
  const dims = shape.slice(0, 6).join(',') + (shape.length > 6 ? ',…' : '');
  throw new BackendAllocationError(
    `a ${dtype} tensor [${dims}] of ${formatByteCount(bytes)} is over the ${LIMITS.backendTensorBytes.display} limit on ${LIMITS.backendTensorBytes.what}; nothing was allocated`,
    bytes,
  );
}

interface WasmModule {
  _malloc(bytes: number): number;
}
type Move = (dataId: object, values: unknown, shape: number[], dtype: DataType | 'string', refCount: number) => void;
interface GuardedProto {
  move: Move;
  [GUARDED]?: true;
}

const GUARDED = Symbol('maskd.allocGuard');
const MALLOC_GUARDED = Symbol('maskd.mallocGuard');

/** Wraps the module's malloc once: a failed allocation (0) becomes an error instead of address 0. */
function guardMalloc(wasm: WasmModule & { [MALLOC_GUARDED]?: true }): void {
  if (wasm[MALLOC_GUARDED]) return;
  const malloc = wasm._malloc.bind(wasm);
  wasm._malloc = (bytes: number) => {
    const at = malloc(bytes);
    if (at === 0 && bytes > 0) throw new BackendAllocationError(`the WebAssembly heap has no room for ${formatByteCount(bytes)} more; nothing was allocated`, bytes);
    return at;
  };
  wasm[MALLOC_GUARDED] = true;
}

/** Installs the guard on every wasm backend instance (idempotent). */
export function guardWasmAllocations(): void {
  const proto = BackendWasm.prototype as unknown as GuardedProto;
  if (proto[GUARDED]) return;
  const move = proto.move;
  proto.move = function (this: { wasm: WasmModule }, dataId, values, shape, dtype, refCount) {
    if (dtype !== 'string') {
      checkWasmTensorBytes(shape, dtype, util.sizeFromShape(shape) * util.bytesPerElement(dtype));
      guardMalloc(this.wasm);
    }
    move.call(this, dataId, values, shape, dtype, refCount);
  };
  proto[GUARDED] = true;
}
