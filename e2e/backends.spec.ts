// Backends in the page: Auto times every backend in throwaway workers, picks the fastest and says
// why; the next visit reuses the figures; Re-measure redoes them; a backend named in the URL is
// used as asked. On these machines WebGPU is SwiftShader (a CPU), so Auto lands on WASM here.
import { expect, test, type Page } from '@playwright/test';
import type { BackendStatus } from '../src/backends/types';

const status = (page: Page) => page.evaluate(() => window.maskd.state().backendStatus as BackendStatus | null);

async function ready(page: Page): Promise<BackendStatus> {
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  const s = await status(page);
  if (!s) throw new Error('no backend status');
  return s;
}

test('Auto times every backend without blocking the page, picks the fastest and says why; the next visit starts from the remembered figures', async ({ page }) => {
  const hosts = new Set<string>();
  const wasmFiles: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol.startsWith('http')) hosts.add(url.host);
    if (url.pathname.endsWith('.wasm')) wasmFiles.push(url.pathname);
  });
  await page.goto('/');
  const name = page.getByTestId('backend-name');
  await expect(name).toContainText('Measuring which backend is fastest here', { timeout: 20_000 });
  // The page answers while the workers time the backends: the field takes the value while the
  // page still says Measuring (no deadline on it: a loaded machine stretches both alike).
  await page.getByTestId('seed-input').fill('42');
  await expect(page.getByTestId('seed-input')).toHaveValue('42');
  await expect(name).toContainText('Measuring');

  const first = await ready(page);
  const c = first.calibration!;
  expect(c.remembered).toBe(false);
  expect(c.timings.map((t) => t.backend).sort()).toEqual(['wasm', 'webgl', 'webgpu']);
  const measured = c.timings.filter((t) => t.msPerStep !== null);
  expect(measured.length).toBeGreaterThan(0);
  const fastest = measured.reduce((a, b) => ((a.msPerStep as number) <= (b.msPerStep as number) ? a : b));
  expect(c.fastest).toBe(fastest.backend);
  expect(first.backend).toBe(c.fastest);
  expect(first.selfCheck).toBe(true);
  console.log(`[backends.spec] calibration ${c.wallMs} ms: ${c.timings.map((t) => `${t.backend} ${t.msPerStep === null ? `none within ${t.limitMs ?? '?'} ms${t.error ? ` (${t.error})` : ''}` : `${Math.round(t.msPerStep)} ms/step`}`).join(', ')}`);

  const why = page.getByTestId('backend-why');
  await expect(why).toContainText('fastest here');
  for (const t of c.timings) await expect(why).toContainText({ webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' }[t.backend]);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', c.fastest);
  const options = await page.locator('#backend-select option').allInnerTexts();
  expect(options[0]).toMatch(/^Auto — fastest here: /);
  expect(options.filter((o) => /ms\/step|s\/step|no step within/.test(o))).toHaveLength(3);
  await expect(page.getByTestId('backend-fallback')).toHaveCount(0);
  // The wasm binaries come from the app itself: nothing was fetched from another host.
  expect([...hosts]).toEqual([new URL(page.url()).host]);
  expect(wasmFiles.length).toBeGreaterThan(0);

  await page.reload();
  const again = await ready(page);
  expect(again.calibration).toMatchObject({ remembered: true, measuredAt: c.measuredAt, fastest: c.fastest });
  expect(again.backend).toBe(c.fastest);
  await expect(page.getByTestId('backend-why')).toContainText(`measured ${c.measuredAt.slice(0, 10)}`);

  await page.getByTestId('backend-remeasure').click();
  await expect(name).toContainText('Measuring');
  const remeasured = await ready(page);
  expect(remeasured.calibration?.remembered).toBe(false);
  expect(remeasured.calibration?.measuredAt).not.toBe(c.measuredAt);
});

test('a backend named in the URL is used as asked: WebGPU with its self-check, WASM with SIMD and threads in the isolated page', async ({ page }) => {
  await page.goto('/?backend=webgpu');
  const gpu = await ready(page);
  expect(gpu.backend).toBe('webgpu');
  expect(gpu.selfCheck).toBe(true);
  await expect(page.getByTestId('backend-name')).toHaveText(/^WebGPU · \S+/);
  await expect(page.getByTestId('backend-select')).toHaveValue('webgpu');
  // The page's own TensorFlow.js runs WebGPU too (known answers, read back asynchronously).
  const result = await page.evaluate(async () => {
    const tf = await window.maskd.tf();
    await tf.setBackend('webgpu');
    const x = tf.range(0, 12).reshape([3, 4]);
    const y = tf.add(tf.matMul(x, x, false, true), 1);
    const out = { backend: tf.getBackend(), gram: Array.from(await y.data()) };
    tf.dispose([x, y]);
    return out;
  });
  expect(result).toEqual({ backend: 'webgpu', gram: [15, 39, 63, 39, 127, 215, 63, 215, 367] });

  await page.goto('/?backend=wasm');
  const wasm = await ready(page);
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  expect(wasm).toMatchObject({ backend: 'wasm', selfCheck: true, wasm: { simd: true, multithread: true } });
  await expect(page.getByTestId('backend-name')).toHaveText(/^WASM · SIMD · \d+ threads?$/);
});
