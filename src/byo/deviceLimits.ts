// How much one tensor and all weights together may take on the active backend. WebGPU reports
// its limits (one storage binding holds one tensor); wasm keeps every tensor in one 32-bit
// memory; WebGL packs a tensor into one texture of at
// most MAX_TEXTURE_SIZE² RGBA float texels; for all of a model's weights together the playground
// allows 2 GiB (a browser tab's practical budget, not a device limit).
import * as tf from '@tensorflow/tfjs';
import { LIMITS } from '../limits';
import type { DeviceLimits } from './modelFiles';

/** All of a model's weights together (src/limits.ts). */
const TOTAL_BUDGET = LIMITS.modelWeightBytes.value;

export function deviceLimits(): DeviceLimits {
  const backend = tf.getBackend();
  if (backend === 'webgpu') {
    const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
    if (device) {
      const binding = device.limits.maxStorageBufferBindingSize;
      return { maxTensorBytes: binding, maxTotalBytes: TOTAL_BUDGET, source: `WebGPU maxStorageBufferBindingSize ${binding} bytes; 2 GiB in all` };
    }
  }
  if (backend === 'webgl') {
    const side = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
    const bytes = side * side * 4 * 4;
    return { maxTensorBytes: bytes, maxTotalBytes: TOTAL_BUDGET, source: `WebGL max texture ${side}×${side}; 2 GiB in all` };
  }
  if (backend === 'wasm') {
    // All tensors live in one wasm32 memory (4 GiB at most, less where the browser caps it).
    return { maxTensorBytes: 2 ** 31 - 1, maxTotalBytes: TOTAL_BUDGET, source: 'WebAssembly memory (wasm32, 4 GiB at most for all tensors); 2 GiB in all' };
  }
  // cpu (and anything else): one typed array.
  return { maxTensorBytes: 2 ** 31 - 1, maxTotalBytes: TOTAL_BUDGET, source: `${backend} typed-array limit; 2 GiB in all` };
}
