// Robustness on the built app, tiny budgets: a paused run survives a reload (IndexedDB
// checkpoint, Resume banner, same step and chart history), an injected NaN pauses cleanly and a
// lower learning rate lets the run go on (on wasm, `?backend=wasm`), and a lost WebGPU device
// (SwiftShader here) moves the run to the next backend, WASM, from its last checkpoint with its
// history.
import { expect, test, type Page } from '@playwright/test';
import { runStep as step, setNumber } from './pageHelpers';

/** Opens the page and waits until a run can start. */
async function openDemo(page: Page): Promise<void> {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByTestId('mask-gallery')).toBeVisible();
}

/** Opens the page and gives the test an engine of its own (the page's UI starts the shared one on load), on the segmentation demo. */
async function ownEngine(page: Page): Promise<{ backend: string; shippedTokens: boolean }> {
  await page.goto('/?backend=wasm');
  await page.waitForFunction(() => typeof window.maskd !== 'undefined');
  return page.evaluate(async () => {
    window.maskd.engine().terminate();
    const engine = window.maskd.engine();
    const status = await engine.init(window.maskd.dataUrl, ['webgpu', 'wasm']);
    const demo = await engine.loadDemo('segmentation');
    return { backend: status.backend, shippedTokens: demo.tokens !== null };
  });
}

/** Long enough to pause mid-run: a wasm step takes tens of ms at batch 2. */
const RUN_STEPS = 2000;

/** Starts a tiny stage-1 run from the Setup panel. */
async function startTinyMasks(page: Page, steps: number): Promise<void> {
  await setNumber(page, 'mask-steps', steps);
  await setNumber(page, 'mask-batch', 2);
  await page.getByTestId('mask-token-weights').uncheck();
  await page.getByTestId('run-learn-masks').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'running');
}

/** The checkpoint IndexedDB holds, summarised (read in the page, as the worker wrote it). */
async function stored(page: Page): Promise<{ step: number; reason: string; kind: string; history: number } | null> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('maskd-playground', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('checkpoints');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('checkpoints', 'readonly').objectStore('checkpoints').get('latest');
          get.onerror = () => reject(get.error);
          get.onsuccess = () => {
            const c = get.result as { step: number; reason: string; kind: string; history: unknown[] } | undefined;
            open.result.close();
            resolve(c ? { step: c.step, reason: c.reason, kind: c.kind, history: c.history.length } : null);
          };
        };
      }),
  );
}

const maskTotals = (page: Page) =>
  page.evaluate(() => (window.maskd.state().losses['masks:-:total']?.points ?? []).map((p) => [p.x, p.y] as [number, number]));

test('a paused run survives a reload: the banner offers it, Resume continues at the same step with the same curves', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await openDemo(page);
  await startTinyMasks(page, RUN_STEPS);
  await expect.poll(() => step(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
  await page.getByTestId('run-pause').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'paused');
  // The pause checkpoint is written after the step in flight lands.
  await expect.poll(async () => (await stored(page))?.reason, { timeout: 60_000 }).toBe('pause');
  const atPause = await step(page);
  const checkpoint = await stored(page);
  const before = await maskTotals(page);
  console.log(`[robust.spec] paused at step ${atPause}; stored ${JSON.stringify(checkpoint)}; ${before.length} chart points`);
  expect(checkpoint).toMatchObject({ kind: 'masks', step: atPause });
  expect(before.at(-1)?.[0]).toBe(atPause);
  expect(checkpoint?.history).toBe(before.length);

  const t0 = Date.now();
  await page.reload();
  const banner = page.getByTestId('resume-banner');
  await expect(banner).toBeVisible({ timeout: 60_000 });
  testInfo.annotations.push({ type: 'banner-after-reload-ms', description: String(Date.now() - t0) });
  await expect(banner).toHaveAttribute('data-step', String(atPause));
  await expect(page.getByTestId('resume-what')).toHaveText(`mask learning (segmentation), step ${atPause} of ${RUN_STEPS}`);
  await expect(page.getByTestId('resume-discard')).toBeEnabled();
  await expect(page.getByTestId('resume-run')).toBeEnabled({ timeout: 60_000 });
  expect(await maskTotals(page)).toEqual([]);

  await page.getByTestId('resume-run').click();
  await expect(banner).toBeHidden();
  // The charts are back at once (new steps may already follow: wasm steps take tens of ms).
  expect((await maskTotals(page)).slice(0, before.length)).toEqual(before);
  await expect.poll(() => step(page), { timeout: 90_000 }).toBeGreaterThan(atPause);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-total', String(RUN_STEPS));
  const after = await maskTotals(page);
  expect(after.filter(([x]) => x <= atPause)).toEqual(before);
  // The run went on from the next step, not from the start.
  expect(after.filter(([x]) => x > atPause).every(([x], i, a) => i === 0 || x > a[i - 1][0])).toBe(true);
  console.log(`[robust.spec] resumed: steps after the reload ${after.filter(([x]) => x > atPause).map(([x]) => x).join(',')}`);

  await page.getByTestId('run-stop').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  // A stopped run has nothing to resume: storage is cleared and no banner comes back.
  await expect.poll(() => stored(page)).toBeNull();
  await page.reload();
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByTestId('resume-banner')).toHaveCount(0);
});

test('Discard forgets a stored run', async ({ page }) => {
  test.setTimeout(240_000);
  await openDemo(page);
  await startTinyMasks(page, RUN_STEPS);
  await expect.poll(() => step(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(1);
  await page.getByTestId('run-pause').click();
  await expect.poll(async () => (await stored(page))?.reason, { timeout: 60_000 }).toBe('pause');
  await page.reload();
  await expect(page.getByTestId('resume-banner')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('resume-discard').click();
  await expect(page.getByTestId('resume-banner')).toHaveCount(0);
  await expect.poll(() => stored(page)).toBeNull();
});

test('an injected NaN pauses the run with a message naming the loss and step; a lower lr resumes it', async ({ page }) => {
  test.setTimeout(240_000);
  await openDemo(page);
  await startTinyMasks(page, RUN_STEPS);
  await expect.poll(() => step(page), { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  await page.evaluate(() => window.maskd.engine().debugInjectNonFinite());
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'paused', { timeout: 60_000 });
  const at = await step(page);
  const message = page.getByTestId('message-nan');
  await expect(message).toContainText(`the task loss became NaN at step ${at + 1}; the step was skipped and the run paused`);
  await expect(message).toContainText('Lower the learning rate');
  // The last good state is what is stored, at the step the counter shows, and the counter holds.
  await expect.poll(async () => await stored(page), { timeout: 30_000 }).toMatchObject({ reason: 'pause', step: at });
  await page.waitForTimeout(2_000);
  expect(await step(page)).toBe(at);

  await expect(page.getByTestId('nan-recovery')).toBeVisible();
  await page.getByTestId('nan-lr').fill('0.001');
  await page.getByTestId('nan-lr-apply').click();
  await expect(page.getByTestId('messages')).toContainText('learning rate 0.001');
  await page.getByTestId('run-pause').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'running');
  await expect(page.getByTestId('nan-recovery')).toHaveCount(0);
  await expect.poll(() => step(page), { timeout: 90_000 }).toBeGreaterThan(at);
  const lr = await page.evaluate(async () => (await window.maskd.engine().exportState()).lr);
  expect(lr).toBe(0.001);
  await page.getByTestId('run-stop').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
});

test('a lost WebGPU device: the run moves to WASM from its last checkpoint and keeps its history', async ({ page }) => {
  test.setTimeout(300_000);
  const { backend } = await ownEngine(page);
  const log = await page.evaluate(async () => {
    const engine = window.maskd.engine();
    const warnings: string[] = [];
    const switched: string[] = [];
    engine.onWarning = (w) => warnings.push(w.text);
    engine.onBackendChanged = ({ status, reason }) => switched.push(`${status.backend}: ${reason}`);
    const progress: [number, number][] = [];
    let lostAt = -1;
    const steps = 12;
    const result = await engine.learnMasks(
      { numTokens: 4, steps, batchSize: 2, lr: 0.01, diceWeight: 1, tokenWeights: false, seed: 1, checkpointEvery: 2 },
      {
        onProgress: (p) => {
          progress.push([p.step, p.losses.total]);
          if (lostAt < 0 && p.step >= 5) {
            lostAt = p.step;
            engine.debugLoseDevice();
          }
        },
      },
    );
    const state = await engine.exportState();
    return {
      result,
      warnings,
      switched,
      progress,
      lostAt,
      history: state.history.map((h) => [h.step, h.losses.total] as [number, number]),
      stateBackend: state.backend,
    };
  });
  console.log(`[robust.spec] device loss: ${JSON.stringify({ backend, ...log, history: log.history.map(([s]) => s), progress: log.progress.map(([s]) => s) })}`);
  expect(backend).toBe('webgpu');
  expect(log.switched).toHaveLength(1);
  expect(log.switched[0]).toMatch(/^wasm: the WebGPU device was lost \(destroyed/);
  const lostWarning = log.warnings.find((w) => /device was lost/.test(w));
  expect(lostWarning).toMatch(/moved to wasm and continues the run from its last checkpoint \(step \d+\); the history is kept/);
  const resumedFrom = Number(/checkpoint \(step (\d+)\)/.exec(lostWarning ?? '')?.[1]);
  // Interval checkpoints every 2 steps: at most 2 steps are redone.
  expect(resumedFrom).toBeGreaterThanOrEqual(log.lostAt - 2);
  expect(resumedFrom).toBeLessThanOrEqual(log.lostAt + 1);
  expect(log.result).toEqual({ step: 12, stopped: false });
  expect(log.stateBackend).toBe('wasm');
  // The final history is one run: steps increase to 12, and everything up to the checkpoint is
  // exactly what the charts got before the loss.
  const steps = log.history.map(([s]) => s);
  expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
  expect(steps.at(-1)).toBe(12);
  const beforeLoss = log.progress.slice(0, log.progress.findIndex(([s]) => s === log.lostAt) + 1).filter(([s]) => s <= resumedFrom);
  expect(beforeLoss.length).toBeGreaterThan(0);
  expect(log.history.filter(([s]) => s <= resumedFrom)).toEqual(beforeLoss);
  // After the switch the steps continue from the checkpoint, not from 0.
  const afterSwitch = log.progress.slice(log.progress.findIndex(([s]) => s === log.lostAt) + 1);
  // (A step in flight may still have landed before the loss was noticed; then the restart.)
  const restart = afterSwitch.findIndex(([s]) => s <= resumedFrom + 1);
  expect(restart).toBeGreaterThanOrEqual(0);
  expect(restart).toBeLessThanOrEqual(1);
  expect(afterSwitch[restart][0]).toBe(resumedFrom + 1);
  // The redone step sees the same state and the same batch on WASM: the same loss, up to the
  // backends' float differences.
  const redone = afterSwitch[restart];
  const original = log.progress.find(([s]) => s === redone[0]);
  console.log(`[robust.spec] step ${redone[0]} loss: before the loss ${original?.[1]} (webgpu), redone ${redone[1]} (wasm)`);
  if (original && original !== redone) expect(Math.abs(redone[1] - original[1]) / Math.abs(original[1])).toBeLessThan(1e-3);
});

test('a lost WebGPU device during a comparison: the current method resumes on WASM and the comparison completes', async ({ page }) => {
  test.setTimeout(300_000);
  await ownEngine(page);
  const log = await page.evaluate(async () => {
    const engine = window.maskd.engine();
    const warnings: string[] = [];
    const switched: string[] = [];
    engine.onWarning = (w) => warnings.push(w.text);
    engine.onBackendChanged = ({ status }) => switched.push(status.backend);
    const steps: string[] = [];
    let lost = false;
    const rows = await engine.compare(
      ['none', 'fitnet'],
      { steps: 6, batchSize: 2, lr: 0.002, seed: 1, evalEvery: 6, valCount: 4, checkpointEvery: 2 },
      {
        onProgress: (p) => {
          steps.push(`${p.method}:${p.step}`);
          if (!lost && p.method === 'fitnet' && p.step >= 3) {
            lost = true;
            engine.debugLoseDevice();
          }
        },
      },
    );
    const state = await engine.exportState();
    return { rows: rows.map((r) => [r.method, r.curve.length]), warnings, switched, steps, stateBackend: state.backend, stateMethod: state.kind === 'distill' ? state.config.method : null };
  });
  console.log(`[robust.spec] device loss in a comparison: ${JSON.stringify(log)}`);
  expect(log.switched).toEqual(['wasm']);
  expect(log.warnings.find((w) => /device was lost/.test(w))).toMatch(/continues the run from its last checkpoint \(step [0-4]\)/);
  expect(log.rows).toEqual([
    ['none', 1],
    ['fitnet', 1],
  ]);
  expect(log.stateBackend).toBe('wasm');
  expect(log.stateMethod).toBe('fitnet');
  // The first method ran once; the second reached its last step after the move.
  expect(log.steps.filter((s) => s === 'none:6')).toHaveLength(1);
  expect(log.steps.at(-1)).toBe('fitnet:6');
});

test('a device lost while idle: the engine moves to WASM at once and the models work there', async ({ page }) => {
  test.setTimeout(180_000);
  const { shippedTokens } = await ownEngine(page);
  const log = await page.evaluate(async () => {
    const engine = window.maskd.engine();
    const warnings: string[] = [];
    const switched = new Promise<string>((resolve) => (engine.onBackendChanged = ({ status }) => resolve(status.backend)));
    engine.onWarning = (w) => warnings.push(w.text);
    engine.debugLoseDevice();
    const backend = await switched;
    const evaluated = await engine.evaluate('teacher', 8);
    return { backend, warnings, teacher: evaluated.teacher };
  });
  console.log(`[robust.spec] idle device loss: ${JSON.stringify({ ...log, shippedTokens })}`);
  expect(log.backend).toBe('wasm');
  expect(log.warnings.join('\n')).toMatch(/device was lost \(destroyed.*while no run was training\. The engine moved to wasm/);
  expect(log.teacher?.name).toBe('mIoU');
  expect(Number.isFinite(log.teacher?.value)).toBe(true);
});
