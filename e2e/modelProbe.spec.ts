// The model sandbox on the built app (wasm): a dropped model is checked in a throwaway probe worker
// before the engine loads it. Here the probe worker itself is made to misbehave (the engine's
// debugProbeWorker hook: it throws uncaught mid-check, or spins in a busy loop), as a model that
// corrupted or hung it would: the load is refused with a message, Cancel stops a hung check, and the
// page goes on as before — the shipped masks drawn, bit for bit the same, the teacher's metric and
// the worker's tensors the same, and Learn masks runs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { writeFixtures } from '../scripts/make-fixtures.mjs';
import { canvasStats, waitForMasks } from './pageHelpers';

const FIXTURES = fileURLToPath(new URL('./.artifacts/probe-models', import.meta.url));

test.beforeAll(async () => {
  await writeFixtures(FIXTURES);
});

/** Drops a fixture model's files on `target` as a real drop. */
async function dropFixture(target: Locator, name: string): Promise<void> {
  const list = readdirSync(join(FIXTURES, name)).map((f) => ({ path: f, b64: readFileSync(join(FIXTURES, name, f)).toString('base64') }));
  await target.evaluate((el, list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.path));
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, list);
}

/** The worker's masks of the preview scenes (a hash of their float32 bits), the teacher's metric and the worker's tensors. */
async function inUse(page: Page) {
  return page.evaluate(async () => {
    const engine = window.maskd.engine();
    const snap = await engine.snapshotMasks();
    const bits = new Uint32Array(snap.masks.buffer, snap.masks.byteOffset, snap.masks.length);
    let hash = 0;
    for (const b of bits) hash = (Math.imul(hash, 31) + b) | 0;
    const metric = (await engine.evaluate('teacher', 4)).teacher?.value ?? NaN;
    const memory = await engine.memory();
    return { hash, metric, numTensors: memory.numTensors, source: window.maskd.state().teacher?.source };
  });
}

async function dismissAll(page: Page): Promise<void> {
  const buttons = page.locator('[data-testid^="message-dismiss-"]');
  while ((await buttons.count()) > 0) await buttons.first().click();
}

/** How the next probe workers misbehave (the engine's debugProbeWorker test hook), null: as they should. */
async function probeWorkerIs(page: Page, mode: 'crash' | 'hang' | null): Promise<void> {
  await page.evaluate((m) => window.maskd.engine().debugProbeWorker(m), mode);
}

test('a probe worker that crashes or hangs leaves the page working: masks drawn, metric and tensors unchanged, Learn masks runs', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  await waitForMasks(page);
  await dismissAll(page);
  const before = await inUse(page);
  const drawn = await canvasStats(page, 'mask-canvas-0-0');
  const msg = page.locator('[data-testid="message-model-file"]');

  // Crashes mid-check, as a model that corrupted its heap would.
  await probeWorkerIs(page, 'crash');
  await dropFixture(page.getByTestId('drop-teacher'), 'teacher-graph');
  await expect(msg).toContainText(/Could not load the teacher: .*crashed the worker that checked it \(.*memory access out of bounds.*\); nothing was loaded and the models in use are unchanged/, { timeout: 30_000 });
  expect((await msg.textContent())?.length ?? 0).toBeLessThan(400);
  expect(await inUse(page)).toEqual(before);
  expect(await canvasStats(page, 'mask-canvas-0-0')).toEqual(drawn);
  await dismissAll(page);

  // Never answers, as a hung model would: the page shows the check and Cancel stops it.
  await probeWorkerIs(page, 'hang');
  await dropFixture(page.getByTestId('drop-teacher'), 'teacher-graph');
  await expect(page.getByTestId('byo-probe')).toContainText(/Checking the teacher .* in a throwaway worker: running it once/, { timeout: 30_000 });
  await page.getByTestId('byo-probe-cancel').click();
  await expect(msg).toContainText(/Could not load the teacher: .*was not loaded: its check was cancelled/, { timeout: 30_000 });
  await expect(page.getByTestId('byo-probe')).toHaveCount(0);
  expect(await inUse(page)).toEqual(before);
  await dismissAll(page);

  // The page goes on: Learn masks runs a step on the shipped teacher.
  await page.getByTestId('mask-steps').fill('1');
  await page.getByTestId('mask-batch').fill('2');
  await page.getByTestId('run-learn-masks').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-step', '1', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });

  // And with the real probe worker back, a valid model is checked and loads.
  await probeWorkerIs(page, null);
  await dropFixture(page.getByTestId('drop-teacher'), 'teacher-graph');
  await expect(page.getByTestId('model-teacher-source')).toContainText(/sha256:/, { timeout: 60_000 });
  expect(await page.evaluate(() => window.maskd.state().teacher?.source)).not.toBe(before.source);
});
