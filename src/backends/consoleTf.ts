// The console's TensorFlow.js (`await maskd.tf()` on the page): main.tsx imports this module
// dynamically, so TensorFlow.js loads only when a console session or a test asks for it, never
// with the page (docs/architecture.md: the page's own bundle holds no TensorFlow.js). It computes nothing
// for the app: training runs in the worker. The cpu backend starts at once and takes no GPU
// device of its own; WebGPU is registered so a caller can switch to it.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

export type ConsoleTf = typeof tf;

let started: Promise<boolean> | null = null;

/** TensorFlow.js on the cpu backend (set once, on the first call; a caller may switch later). */
export async function consoleTf(): Promise<ConsoleTf> {
  started ??= tf.setBackend('cpu');
  await started;
  return tf;
}
