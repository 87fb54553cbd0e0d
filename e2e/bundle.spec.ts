// The page's own bundle holds no TensorFlow.js (docs/architecture.md): on the build these tests serve, the
// entry chunk, its modulepreloads and what they import statically hold none of TF.js's marker
// strings (scripts/page-bundle.mjs), while the training worker's chunk does; in the browser, the
// page loads no TF.js script until the console's `maskd.tf()` asks for one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { report, tfjsMarkersIn } from '../scripts/page-bundle.mjs';

// The folder the webServer of playwright.config.ts builds into for this port.
const port = Number(process.env.MASKD_E2E_PORT ?? 4173);
const dist = fileURLToPath(new URL(port === 4173 ? '../dist' : `../node_modules/.cache/maskd-e2e-${port}/dist`, import.meta.url));

test('the built page’s initial JS holds no TensorFlow.js; the worker chunk does', () => {
  const r = report(dist);
  console.log(`page initial JS (${dist}):\n${r.text}`);
  expect(r.problems).toEqual([]);
  expect(r.worker?.markers.length).toBeGreaterThan(0);
});

test('the page fetches no TensorFlow.js script until maskd.tf() is called, which then works', async ({ page }) => {
  await page.addInitScript(() => performance.setResourceTimingBufferSize(10_000));
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm', { timeout: 120_000 });
  // Scripts the page itself fetched (module scripts, their imports and modulepreloads; a worker's own
  // imports are in the worker's timeline), as files of the build.
  const pageScripts = () =>
    page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => (e as PerformanceResourceTiming).initiatorType !== 'other' && new URL(e.name).pathname.endsWith('.js'))
        .map((e) => new URL(e.name).pathname),
    );
  const withTf = (paths: string[]) => [...new Set(paths)].filter((p) => tfjsMarkersIn(readFileSync(join(dist, p), 'utf8')).length > 0);
  const before = await pageScripts();
  expect(before.length).toBeGreaterThan(0);
  expect(withTf(before)).toEqual([]);

  const sum = await page.evaluate(async () => {
    const tf = await window.maskd.tf();
    const y = tf.add(tf.tensor1d([1, 2, 3]), 1);
    const out = { backend: tf.getBackend(), values: Array.from(await y.data()) };
    y.dispose();
    return out;
  });
  expect(sum).toEqual({ backend: 'cpu', values: [2, 3, 4] });
  expect(withTf(await pageScripts()).length).toBeGreaterThan(0);
});
