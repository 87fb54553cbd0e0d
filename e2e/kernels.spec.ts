import { expect, test } from '@playwright/test';
import type { Tensor4D } from '@tensorflow/tfjs';
import type { Report, Shape } from './harness/compare';

// Fused WGSL kernels vs the composed ops, on the webgpu backend (SwiftShader here), and vs the
// composed ops on wasm, through the harness page built as a second Vite input
// (e2e/harness/kernels.html).

const TOLERANCE = 1e-4;

const SHAPES: Shape[] = [
  { n: 1, h: 3, w: 5, c: 7, t: 1 }, // odd everything, a single token
  { n: 3, h: 7, w: 9, c: 33, t: 5 }, // C not a multiple of 4 (scalar path), P < workgroup
  { n: 2, h: 8, w: 8, c: 512, t: 17 }, // C = 512, T > 16 (two token blocks)
  { n: 5, h: 11, w: 13, c: 64, t: 6 }, // N·P not a multiple of 4 or 64
  { n: 1, h: 33, w: 31, c: 20, t: 2 }, // P > 1024, several row slices
  { n: 2, h: 64, w: 64, c: 256, t: 8 }, // the benchmark shape, P = 4096
];

test.beforeEach(async ({ page }) => {
  await page.goto('/e2e/harness/kernels.html');
  expect(await page.evaluate(() => window.maskdKernels.ready)).toBe('webgpu');
});

test('fused and composed agree on values and every gradient', async ({ page }) => {
  test.setTimeout(150_000);
  const worst: Record<string, number> = {};
  for (const shape of SHAPES) {
    const report: Report = await page.evaluate((s) => window.maskdKernels.compareShape(s), shape);
    expect(Object.keys(report)).toHaveLength(14);
    for (const [name, { rel }] of Object.entries(report)) {
      expect.soft(rel, `${name} at ${JSON.stringify(shape)}`).toBeLessThan(TOLERANCE);
      worst[name] = Math.max(worst[name] ?? 0, rel);
    }
  }
  test.info().annotations.push({ type: 'max relative error', description: JSON.stringify(worst) });
  console.log('max relative error per check:', JSON.stringify(worst));
});

test('on wasm the public entry (composed ops) matches the fused WebGPU kernels on values and every gradient', async ({ page }) => {
  const worst: Record<string, number> = {};
  for (const shape of [SHAPES[0], SHAPES[1], SHAPES[3], { n: 8, h: 16, w: 16, c: 64, t: 8 }]) {
    const report: Report = await page.evaluate((s) => window.maskdKernels.compareWasmWithFused(s), shape);
    expect(Object.keys(report)).toHaveLength(14);
    for (const [name, { rel }] of Object.entries(report)) {
      expect.soft(rel, `${name} at ${JSON.stringify(shape)}`).toBeLessThan(TOLERANCE);
      worst[name] = Math.max(worst[name] ?? 0, rel);
    }
  }
  test.info().annotations.push({ type: 'max relative error wasm vs fused', description: JSON.stringify(worst) });
  console.log('wasm (composed) vs webgpu (fused), max relative error per check:', JSON.stringify(worst));
});

test('no tensor leaks over 50 forward+backward passes through the public entry', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const k = window.maskdKernels;
    k.maskd.setFusedKernels(true);
    return { fused: k.maskd.usesFusedKernels(k.tf.zeros([1])), ...(await k.leakCheck(k.maskd, 50)) };
  });
  expect(r.fused).toBe(true);
  expect(r.after).toBe(r.before);
  expect(Number.isFinite(r.loss)).toBe(true);
});

test('the switch routes to the composed ops and shape errors read the same on both paths', async ({ page }) => {
  const r = await page.evaluate(async () => {
    const { tf, maskd } = window.maskdKernels;
    const f = tf.ones([1, 2, 2, 3]) as Tensor4D;
    const bad = tf.ones([1, 2, 3, 2]) as Tensor4D;
    const message = (fn: () => unknown): string => {
      try {
        fn();
        return 'no error';
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    };
    maskd.setFusedKernels(true);
    const fusedMsg = message(() => maskd.maskedDistillLoss(f, f, bad));
    maskd.setFusedKernels(false);
    const composedMsg = message(() => maskd.maskedDistillLoss(f, f, bad));
    const off = maskd.usesFusedKernels(f);
    maskd.setFusedKernels(true);
    tf.dispose([f, bad]);
    return { fusedMsg, composedMsg, off };
  });
  expect(r.off).toBe(false);
  expect(r.fusedMsg).toMatch(/differ in W/);
  expect(r.fusedMsg).toBe(r.composedMsg);
});
