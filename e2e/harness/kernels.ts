// Test and benchmark page for the fused MasKD kernels (e2e/kernels.spec.ts,
// scripts/bench-kernels.mjs). Not linked from the app; built as a second Vite input.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import { configureWasmAssets } from '../../src/backends/wasm/browserAssets';
import * as maskd from '../../src/maskd/index';
import * as ops from '../../src/maskd/ops';
import { diceDiversityFused, maskedDistillLossFused, receptiveMasksFused } from '../../src/maskd/kernels/fused';
import { adapterInfo, benchDice, benchPipeline } from './bench';
import { compareShape, compareWasmWithFused, leakCheck } from './compare';
import { maskedDistillLossReduced } from './reducedComposed';

configureWasmAssets();

const harness = {
  tf,
  /** The public entry (dispatching). */
  maskd,
  /** The composed reference ops. */
  ops,
  /** The fused ops, called directly (webgpu only). */
  fused: { receptiveMasks: receptiveMasksFused, maskedDistillLoss: maskedDistillLossFused, diceDiversity: diceDiversityFused },
  maskedDistillLossReduced,
  compareShape,
  compareWasmWithFused,
  leakCheck,
  benchPipeline,
  benchDice,
  adapterInfo,
  ready: (async () => {
    const ok = await tf.setBackend('webgpu');
    await tf.ready();
    return ok ? tf.getBackend() : `webgpu failed; backend ${tf.getBackend()}`;
  })(),
};

export type KernelsHarness = typeof harness;

declare global {
  interface Window {
    maskdKernels: KernelsHarness;
  }
}

window.maskdKernels = harness;
void harness.ready.then((b) => {
  document.getElementById('status')!.textContent = b;
});
