// The wasm backend in Node (tests, scripts): tfjs finds the binaries inside the package; Node
// gets SIMD and no threads.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './register';

/** Makes wasm (with the training kernels) the active backend. */
export async function useWasmBackend(): Promise<void> {
  registerWasmTrainingKernels();
  if (tf.getBackend() === 'wasm') return;
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  await tf.ready();
}
