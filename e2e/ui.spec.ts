// The playground page on the built app, on the wasm backend (`?backend=wasm`: the fastest here,
// and no calibration at each fresh page; Auto is tested in backends.spec.ts).
import { expect, test, type Page } from '@playwright/test';
import { canvasStats, pausedStep, runStep as step, setNumber, shot, waitForMasks, setDistillBudget } from './pageHelpers';

/** Opens the page and waits for the shipped masks to be drawn. */
async function openDemo(page: Page): Promise<void> {
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled();
}

test.describe.configure({ mode: 'serial' });

test('opens on the segmentation demo with the shipped masks drawn', async ({ page }, testInfo) => {
  await page.goto('/?backend=wasm');
  const firstMaskMs = await waitForMasks(page);
  testInfo.annotations.push({ type: 'first-mask-ms', description: String(Math.round(firstMaskMs)) });
  console.log(`first mask drawn ${Math.round(firstMaskMs)} ms after navigation`);

  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('setup-task')).toHaveValue('segmentation');
  await expect(page.getByTestId('model-teacher-source')).toContainText('shipped');
  await expect(page.getByTestId('model-card-teacher')).toContainText('neck');
  await expect(page.getByTestId('model-card-student')).toContainText('FLOPs');

  const tokens = Number(await page.getByTestId('mask-gallery').getAttribute('data-tokens'));
  expect(tokens).toBeGreaterThan(1);
  // At full opacity a tile is the colour map of the mask alone: not uniform means the mask is not.
  await page.getByTestId('gallery-opacity').fill('1');
  // The shipped tokens include near-empty masks (stage 1 drives spare tokens to area ~0 at this
  // budget), which are rightly drawn flat; at least two tokens must show structure.
  const distinct: number[] = [];
  for (let t = 0; t < tokens; t++) distinct.push((await canvasStats(page, `mask-canvas-0-${t}`)).distinct);
  expect(distinct.filter((d) => d > 8).length, `distinct colours per token tile: ${distinct.join(', ')}`).toBeGreaterThanOrEqual(2);
  expect((await canvasStats(page, 'mask-canvas-0-img')).distinct).toBeGreaterThan(8);

  await page.getByTestId('gallery-token-0').click();
  await expect(page.getByTestId('mask-enlarged-0')).toBeVisible();
  await shot(page, testInfo, 'opened-with-masks');
});

test('opens without shipped tokens: the demo loads and says what to do', async ({ page, context }, testInfo) => {
  // As a teacher without tokens would open: the tokens file is not there (the worker's fetch too).
  let refused = 0;
  await context.route('**/segmentation-teacher/tokens.json', (route) => {
    refused++;
    return route.fulfill({ status: 404, body: 'not found' });
  });
  const t0 = Date.now();
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('gallery-no-tokens')).toBeVisible({ timeout: 60_000 });
  testInfo.annotations.push({ type: 'demo-ready-ms', description: String(Date.now() - t0) });
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
  await expect(page.getByTestId('model-card-teacher')).toContainText('neck');
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled();
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(0);
  await expect(page.getByTestId('mask-canvas-0-0')).toHaveCount(0);
  expect(refused).toBeGreaterThan(0);
  await shot(page, testInfo, 'opened-without-tokens');
});

test('Learn masks with a tiny budget updates the gallery and the loss chart', async ({ page }, testInfo) => {
  await openDemo(page);
  await page.getByTestId('gallery-opacity').fill('1');
  const before = await canvasStats(page, 'mask-canvas-0-0');
  await expect(page.getByTestId('loss-chart-masks')).toHaveAttribute('data-points', '0');

  await setNumber(page, 'mask-steps', 3);
  await setNumber(page, 'mask-batch', 2);
  await page.getByTestId('run-learn-masks').click();
  // Three steps take well under a second on wasm: the run may be over before a 'running' check.
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-step', '3', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-stage', 'masks');

  const points = Number(await page.getByTestId('loss-chart-masks').getAttribute('data-points'));
  expect(points).toBeGreaterThan(0);
  await expect(page.getByTestId('mask-gallery')).toHaveAttribute('data-step', '3');
  expect(await page.getByTestId('gallery-timeline').getAttribute('max')).not.toBe('0');
  expect(await waitForMasks(page, 10_000)).toBeGreaterThan(0);
  expect((await canvasStats(page, 'mask-canvas-0-0')).hash).not.toBe(before.hash);
  await shot(page, testInfo, 'after-learn-masks');
});

test('Pause stops the step counter, Step and Resume continue, from buttons and keys', async ({ page }, testInfo) => {
  await openDemo(page);
  // Long enough not to end by itself (a step takes tens of ms on wasm); Stop ends it.
  await setNumber(page, 'mask-steps', 5000);
  await setNumber(page, 'mask-batch', 2);
  await page.getByTestId('run-learn-masks').click();
  await expect.poll(() => step(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);

  await page.getByTestId('run-pause').click();
  // The step in flight when Pause was pressed still lands; after that the counter must hold.
  const frozen = await pausedStep(page);
  await page.waitForTimeout(3_000);
  expect(await step(page)).toBe(frozen);
  await shot(page, testInfo, 'paused');

  // Keys act on the page, not while a field has focus.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('.');
  await expect.poll(() => step(page), { timeout: 30_000 }).toBe(frozen + 1);
  await page.getByTestId('run-step').click();
  await expect.poll(() => step(page), { timeout: 30_000 }).toBe(frozen + 2);
  await page.waitForTimeout(2_000);
  expect(await step(page)).toBe(frozen + 2);

  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Space');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'running');
  await expect.poll(() => step(page), { timeout: 60_000 }).toBeGreaterThan(frozen + 2);

  await page.keyboard.press('Space');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'paused');
  await page.getByTestId('run-pause').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'running');

  // (Space inside text fields is left alone: covered by src/ui/shortcuts.test.ts; Setup is locked during a run.)
  await page.getByTestId('run-stop').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  expect(await step(page)).toBeLessThan(5000);
});

test('Compare methods with a tiny budget yields one row per method', async ({ page }, testInfo) => {
  await openDemo(page);
  const methods = ['none', 'maskd'];
  for (const m of ['none', 'fitnet', 'cwd', 'maskd']) {
    if (!methods.includes(m)) await page.getByTestId(`compare-method-${m}`).uncheck();
  }
  await setDistillBudget(page, { steps: 2, batch: 2, evalEvery: 2, valCount: 8 });
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('compare-table')).toBeVisible();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(page.getByTestId('compare-table')).toHaveAttribute('data-rows', '2');
  for (const m of methods) await expect(page.getByTestId(`compare-row-${m}`)).toHaveAttribute('data-done', 'true');
  // The reported column is the final student on the test scenes; the best-on-validation one sits beside it, with its step.
  await expect(page.getByTestId('compare-table').locator('thead')).toContainText('Test mIoU (final)');
  const rows = await page.evaluate(() => window.maskd.state().compareRows);
  for (const r of rows) {
    expect(r.scored).toEqual({ split: 'test', scenes: 128 });
    expect(r.metric).toBeGreaterThanOrEqual(0);
    expect(r.bestVal?.step).toBe(2);
    await expect(page.getByTestId(`compare-bestval-${r.method}`)).toHaveText(/\(2\)$/);
  }
  expect(Number(await page.getByTestId('loss-chart-distill').getAttribute('data-lines'))).toBe(2);
  await shot(page, testInfo, 'compare');
});

test('Stage 1 recipes: segmentation opens on its measured default, a recipe fills the fields, an edit makes it Custom', async ({ page }) => {
  await openDemo(page);
  const recipe = page.getByTestId('mask-recipe');
  // The playground recipe gave more live tokens than the reference one on the segmentation demo (docs/experiments.md, "Stage 1 recipes").
  await expect(recipe).toHaveValue('playground');
  await expect(page.getByTestId('mask-optimizer')).toHaveValue('adam');
  await expect(page.getByTestId('mask-momentum')).toHaveCount(0);
  await recipe.selectOption('reference-segmentation');
  await expect(page.getByTestId('mask-recipe-help')).toContainText('segmentation/train_mask_module.py');
  await expect(page.getByTestId('mask-optimizer')).toHaveValue('sgd');
  await expect(page.getByTestId('mask-schedule')).toHaveValue('poly');
  await expect(page.getByTestId('mask-momentum')).toHaveValue('0.9');
  await expect(page.getByTestId('mask-weight-decay')).toHaveValue('0.001');
  await setNumber(page, 'mask-weight-decay', 0.002);
  await expect(recipe).toHaveValue('custom');
  await recipe.selectOption('reference-detection');
  await expect(page.getByTestId('mask-optimizer')).toHaveValue('adam');
  await expect(page.getByTestId('mask-tokens')).toHaveValue('6');
  await expect(page.getByTestId('mask-min-lr')).toHaveValue('0.000001');
  await expect(page.getByTestId('mask-recipe-help')).toContainText('retinanet_r101_fpn_2x_coco.py');
  // What the engine is asked for is what the form shows.
  const config = await page.evaluate(() => {
    const m = window.maskd.state().mask;
    return { optimizer: m.optimizer, lr: m.lr, weightDecay: m.weightDecay, schedule: m.schedule, minLr: m.minLr, numTokens: m.numTokens, tokenWeights: m.tokenWeights };
  });
  expect(config).toEqual({ optimizer: 'adam', lr: 0.01, weightDecay: 0.001, schedule: 'cosine', minLr: 1e-6, numTokens: 6, tokenWeights: true });
});

test('Compare over two seeds: a row per method and seed, mean ± sd in the table, and the custom mask marked where it switched on', async ({ page }) => {
  await openDemo(page);
  for (const m of ['fitnet', 'cwd']) await page.getByTestId(`compare-method-${m}`).uncheck();
  await setDistillBudget(page, { steps: 3, batch: 2, evalEvery: 3, valCount: 4 });
  // MasKD is the method shown: its custom mask on from round(0.34 × 3) = 0-based step 1, the 2nd step.
  await page.getByTestId('distill-param-customMask').check();
  await setNumber(page, 'distill-param-customMaskWarmupShare', 0.34);
  await setNumber(page, 'compare-seeds', 2);
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 120_000 });
  const table = page.getByTestId('compare-table');
  await expect(table).toHaveAttribute('data-rows', '4');
  await expect(table).toHaveAttribute('data-seeds', '2');
  await expect(table.locator('thead')).toContainText('mean ± 95% CI over 2 seeds');
  const rows = await page.evaluate(() => window.maskd.state().compareRows.map((r) => [r.method, r.seed, r.metric]));
  const seed = await page.evaluate(() => window.maskd.state().seed);
  expect(rows.map(([m, s]) => [m, s])).toEqual([['none', seed], ['maskd', seed], ['none', seed + 1], ['maskd', seed + 1]]);
  for (const m of ['none', 'maskd']) {
    await expect(page.getByTestId(`compare-row-${m}`)).toHaveAttribute('data-done', 'true');
    await expect(page.getByTestId(`compare-metric-${m}`)).toHaveText(/ ± /);
  }
  await expect(page.getByTestId('loss-chart-distill')).toHaveAttribute('data-markers', '2');
  await expect(page.getByTestId('metric-chart')).toHaveAttribute('data-markers', '2');
  await expect(page.getByTestId('live-marker')).toHaveAttribute('data-step', '2');
});
