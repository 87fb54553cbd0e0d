// The gallery's student and ground-truth views, the layout at 1280×720 and 600 px, control
// labels and focus order, time to first mask (logged), and the gallery's painting staying chunked
// into animation frames while training runs. The built app on the wasm backend (`?backend=wasm`): budgets are tiny. Screenshots of
// the main states are attached to each test (the HTML report and --output keep them).
import { expect, test, type Page } from '@playwright/test';
import { canvasStats, pausedStep, runStep, setNumber, shot, waitForMasks, setDistillBudget } from './pageHelpers';

test.describe.configure({ mode: 'serial' });
test.use({ viewport: { width: 1280, height: 720 } });

/** Waits until tile `testId` shows the snapshot the gallery is on (painting is frame-budgeted). */
async function drawnCurrent(page: Page, testId: string): Promise<void> {
  const step = await page.getByTestId('mask-gallery').getAttribute('data-step');
  await expect(page.getByTestId(testId)).toHaveAttribute('data-drawn-step', step ?? '');
}

async function inViewport(page: Page, testId: string): Promise<boolean> {
  const box = await page.getByTestId(testId).boundingBox();
  const vp = page.viewportSize()!;
  return !!box && box.y >= 0 && box.y + box.height <= vp.height && box.x >= 0 && box.x + box.width <= vp.width;
}

test('opens at 1280×720 with masks drawn; run bar and gallery in view, Setup scrolls in its column; ground truth view', async ({ page }, testInfo) => {
  await page.goto('/?backend=wasm');
  const firstMaskMs = await waitForMasks(page);
  console.log(`first mask drawn ${Math.round(firstMaskMs)} ms after navigation (1280×720, wasm backend)`);
  testInfo.annotations.push({ type: 'first-mask-ms', description: String(Math.round(firstMaskMs)) });
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled();
  await expect(page.getByTestId('gallery-legend')).toContainText('Mask value');

  // Everything needed to start and watch a run is on screen without scrolling.
  for (const id of ['run-learn-masks', 'run-pause', 'run-status', 'mask-canvas-0-0', 'gallery-opacity']) expect(await inViewport(page, id), id).toBe(true);
  expect(await page.evaluate(() => document.scrollingElement!.scrollHeight)).toBeLessThanOrEqual(720);
  // Setup is longer than the window: it scrolls on its own, and the run bar stays put.
  const setup = page.getByTestId('setup-panel');
  expect(await setup.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  await shot(page, testInfo, 'opened', false);
  await page.getByTestId('backend-select').scrollIntoViewIfNeeded();
  expect(await inViewport(page, 'backend-select')).toBe(true);
  expect(await inViewport(page, 'run-learn-masks')).toBe(true);
  expect(await setup.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);

  // Ground truth beside the masks: a label map over each scene, its digits in words.
  await page.getByTestId('gallery-show-truth').check();
  await expect(page.getByTestId('gallery-truth-header')).toBeVisible();
  await expect(page.getByTestId('gallery-legend-truth')).toContainText('tinted by class');
  await drawnCurrent(page, 'mask-truth-0');
  await page.getByTestId('gallery-opacity').fill('1');
  for (let p = 0; p < 4; p++) {
    const words = await page.getByTestId(`mask-truth-digits-${p}`).textContent();
    expect(words).toMatch(/^(digits? \d(, \d)*|no digits)$/);
    await expect(page.getByTestId(`mask-truth-${p}`)).toHaveAttribute('aria-label', new RegExp(`ground truth: ${words}`));
  }
  // At opacity 1 a digit's pixels are its class colour: the tile has the image's colours plus those.
  await drawnCurrent(page, 'mask-truth-0');
  const img = await canvasStats(page, 'mask-canvas-0-img');
  const truth = await canvasStats(page, 'mask-truth-0');
  expect(truth.hash).not.toBe(img.hash);
  await shot(page, testInfo, 'ground-truth', false);
  // The student toggle says when the snapshot has no student masks yet.
  await page.getByTestId('gallery-show-student').check();
  await expect(page.getByTestId('gallery-student-missing')).toBeVisible();
});

test('every control has a label and a test id; Tab goes run bar → Setup → gallery → charts', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
  await page.getByTestId('gallery-token-0').click();
  const audit = await page.evaluate(() => {
    // Controls, and anything else Tab reaches (recharts' tabindex="-1" layers are not).
    const focusable = [...document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])')].filter(
      (el) => el.offsetParent !== null || el.getClientRects().length > 0,
    );
    const name = (el: HTMLElement): string => {
      const aria = el.getAttribute('aria-label');
      if (aria) return aria;
      const by = el.getAttribute('aria-labelledby');
      if (by) return by.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
      const labels = (el as HTMLInputElement).labels;
      if (labels && labels.length) return [...labels].map((l) => l.textContent ?? '').join(' ').trim();
      return (el.textContent ?? '').trim() || el.getAttribute('title') || '';
    };
    return {
      count: focusable.length,
      unnamed: focusable.filter((el) => !name(el)).map((el) => el.outerHTML.slice(0, 120)),
      noTestId: focusable.filter((el) => !el.dataset.testid).map((el) => el.outerHTML.slice(0, 120)),
      positiveTabIndex: focusable.filter((el) => el.tabIndex > 0).map((el) => el.outerHTML.slice(0, 120)),
    };
  });
  console.log(`${audit.count} focusable controls audited`);
  expect(audit.count).toBeGreaterThan(30);
  expect(audit.unnamed, 'controls without an accessible name').toEqual([]);
  expect(audit.noTestId, 'controls without a data-testid').toEqual([]);
  expect(audit.positiveTabIndex).toEqual([]);

  // Tab from the top (a click on the title moves the focus starting point there): the regions
  // come in reading order, never back.
  await page.locator('h1').click();
  const regionOrder = ['run-bar', 'setup-panel', 'mask-gallery', 'charts-panel'];
  const seen: string[] = [];
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const region = await page.evaluate((ids) => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      return ids.find((id) => el.closest(`[data-testid="${id}"]`)) ?? 'other';
    }, regionOrder);
    if (region === null) break;
    if (seen[seen.length - 1] !== region) seen.push(region);
  }
  const inRegions = seen.filter((r) => regionOrder.includes(r));
  expect(inRegions, `focus regions in Tab order: ${seen.join(' → ')}`).toEqual(regionOrder);
});

test('a narrow window (600 px) gets one column and no sideways page scroll', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 600, height: 900 });
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(600);
  const setup = (await page.getByTestId('setup-panel').boundingBox())!;
  const gallery = (await page.getByTestId('mask-gallery').boundingBox())!;
  const charts = (await page.getByTestId('charts-panel').boundingBox())!;
  expect(gallery.y).toBeGreaterThanOrEqual(setup.y + setup.height);
  expect(charts.y).toBeGreaterThanOrEqual(gallery.y + gallery.height);
  for (const b of [setup, gallery, charts]) expect(b.x + b.width).toBeLessThanOrEqual(600);
  // The run bar stays at the top while the page scrolls, short: its live curve is left to the charts.
  await expect(page.getByTestId('live-loss-chart')).toBeHidden();
  await page.getByTestId('charts-panel').scrollIntoViewIfNeeded();
  const bar = (await page.getByTestId('run-bar').boundingBox())!;
  expect(bar.y).toBeLessThan(20);
  expect(bar.height).toBeLessThan(160);
  await shot(page, testInfo, 'narrow-600px');
});

/**
 * Counts the gallery's tile paints (putImageData on a canvas inside the gallery) per animation
 * frame, and those outside any animation-frame callback, from the first script on. Once armed,
 * each tile paint also busy-waits `stallMs`, so one paint always spends the draw queue's whole
 * frame budget (src/ui/drawQueue.ts: 8 ms) on any machine, fast or loaded.
 */
async function countTilePaints(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log = { armed: false, stallMs: 0, total: 0, outside: 0, perFrame: {} as Record<string, number> };
    (window as unknown as { __tilePaints: typeof log }).__tilePaints = log;
    const raf = window.requestAnimationFrame.bind(window);
    // Every callback of one frame gets the same timestamp: it names the frame.
    let frame: number | null = null;
    window.requestAnimationFrame = (cb) =>
      raf((ts) => {
        const outer = frame;
        frame = ts;
        try {
          cb(ts);
        } finally {
          frame = outer;
        }
      });
    const put = CanvasRenderingContext2D.prototype.putImageData;
    CanvasRenderingContext2D.prototype.putImageData = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
      if (log.armed && this.canvas.closest('[data-testid="mask-gallery"]')) {
        log.total++;
        if (frame === null) log.outside++;
        else log.perFrame[frame] = (log.perFrame[frame] ?? 0) + 1;
        const until = performance.now() + log.stallMs;
        while (performance.now() < until) {
          // a tile that costs a frame
        }
      }
      return (put as (...a: unknown[]) => void).apply(this, args);
    } as typeof put;
  });
}

const tilePaints = (page: Page) =>
  page.evaluate(() => {
    const log = (window as unknown as { __tilePaints: { total: number; outside: number; perFrame: Record<string, number> } }).__tilePaints;
    const frames = Object.values(log.perFrame);
    return { total: log.total, outside: log.outside, frames: frames.length, maxPerFrame: Math.max(0, ...frames) };
  });

type TilePaints = Awaited<ReturnType<typeof tilePaints>>;

function expectChunked(paints: TilePaints, when: string): void {
  const summary = `${when}: ${paints.total} tile paints in ${paints.frames} frames, at most ${paints.maxPerFrame} in one frame, ${paints.outside} outside a frame`;
  expect(paints.outside, `tiles painted outside an animation frame (in the task that brought the snapshot?), ${summary}`).toBe(0);
  expect(paints.maxPerFrame, `a frame kept painting after a tile spent its budget, ${summary}`).toBe(1);
}

// The page stays responsive while training runs because a snapshot's tiles are painted a few per
// animation frame (the draw queue), not all in the task that brings the snapshot. Wall-clock
// task lengths depend on the machine and its load (npm run bench:page prints them); this checks
// the chunking itself: with every tile paint made to cost a whole frame's budget, each frame
// paints exactly one tile and no tile is painted outside a frame.
test('Learn masks paints the gallery one budgeted frame at a time (no tile outside a frame), and Pause holds', async ({ page }, testInfo) => {
  await countTilePaints(page);
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled();
  await page.getByTestId('gallery-show-truth').check();
  // Long enough to pause mid-run (wasm steps take tens of ms at batch 2).
  await setNumber(page, 'mask-steps', 200);
  await setNumber(page, 'mask-batch', 2);
  await page.evaluate(() => Object.assign((window as unknown as { __tilePaints: object }).__tilePaints, { armed: true, stallMs: 20 }));
  await page.getByTestId('run-learn-masks').click();
  await expect.poll(() => runStep(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  // Mid-run, once the run's first snapshot is being painted (an unchunked page fails here, before
  // its blocked main thread lets the run end unpaused).
  await expect.poll(async () => (await tilePaints(page)).total, { timeout: 60_000 }).toBeGreaterThan(0);
  expectChunked(await tilePaints(page), 'mid-run');
  await shot(page, testInfo, 'learning', false);
  await page.getByTestId('run-pause').click();
  const held = await pausedStep(page);
  await page.waitForTimeout(3_000);
  expect(await runStep(page)).toBeLessThanOrEqual(held + 1);
  await shot(page, testInfo, 'paused', false);
  await page.getByTestId('run-pause').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  // Every tile ends on the last snapshot: the queue got through all of them, one a frame.
  const tiles = await page.getByTestId('mask-gallery').locator('canvas').count();
  const step = await page.getByTestId('mask-gallery').getAttribute('data-step');
  await expect
    .poll(() => page.getByTestId('mask-gallery').locator('canvas').evaluateAll((cs, s) => cs.filter((c) => (c as HTMLCanvasElement).dataset.drawnStep !== s).length, step), {
      timeout: 60_000,
    })
    .toBe(0);
  const paints = await tilePaints(page);
  const summary = `${tiles} tiles; ${paints.total} tile paints in ${paints.frames} frames, at most ${paints.maxPerFrame} in one frame, ${paints.outside} outside a frame`;
  console.log(`[gallery.spec] ${summary}`);
  testInfo.annotations.push({ type: 'tile-paints', description: summary });
  expect(await page.evaluate(() => document.visibilityState), 'a hidden page gets no animation frames (the queue then uses timers)').toBe('visible');
  expect(tiles).toBeGreaterThan(8);
  expect(paints.total, summary).toBeGreaterThanOrEqual(tiles);
  expectChunked(paints, 'over the run');
});

test('Compare none vs MasKD: one row each, and the student masks beside the teacher’s', async ({ page }, testInfo) => {
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
  for (const m of ['fitnet', 'cwd']) await page.getByTestId(`compare-method-${m}`).uncheck();
  await setDistillBudget(page, { steps: 2, batch: 2, evalEvery: 2, valCount: 8 });
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(page.getByTestId('compare-table')).toHaveAttribute('data-rows', '2');
  await page.getByTestId('compare-table').scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'compare-done', false);

  // The last snapshot is MasKD's final step, with the student's masks.
  await expect(page.getByTestId('mask-gallery')).toHaveAttribute('data-step', '2');
  await page.getByTestId('mask-gallery').scrollIntoViewIfNeeded();
  await page.getByTestId('gallery-show-student').check();
  await page.getByTestId('gallery-opacity').fill('1');
  await expect(page.getByTestId('gallery-student-row-0')).toBeVisible();
  await expect(page.getByTestId('gallery-legend-student')).toContainText('not in use at this step');
  const tokens = Number(await page.getByTestId('mask-gallery').getAttribute('data-tokens'));
  // After 2 steps the student's aligned feature is still small, so its masks sit near 0.5
  // everywhere, unlike the trained teacher's: every student tile differs from the teacher's.
  let differ = 0;
  for (let t = 0; t < tokens; t++) {
    await drawnCurrent(page, `mask-student-0-${t}`);
    await drawnCurrent(page, `mask-canvas-0-${t}`);
    const s = await canvasStats(page, `mask-student-0-${t}`);
    const te = await canvasStats(page, `mask-canvas-0-${t}`);
    if (s.hash !== te.hash) differ++;
  }
  expect(differ, 'student tiles that differ from the teacher tile of the same token').toBe(tokens);
  await page.getByTestId('gallery-token-0').click();
  await expect(page.getByTestId('mask-enlarged-student-0')).toBeVisible();
  await shot(page, testInfo, 'student-masks', false);
});

test('Measure tokens: a row per token with its mean mask on the background and each digit over 256 validation scenes; a run makes it stale', async ({ page }, testInfo) => {
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
  const tokens = Number(await page.getByTestId('mask-gallery').getAttribute('data-tokens'));
  const started = Date.now();
  await page.getByTestId('token-report-measure').click();
  const report = page.getByTestId('token-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  console.log(`[gallery.spec] token report of ${tokens} tokens over 256 validation scenes in ${Date.now() - started} ms`);
  await report.scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'token-report', false);
  await expect(report).toHaveAttribute('data-tokens', String(tokens));
  await expect(page.locator('[data-testid^="token-report-row-"]')).toHaveCount(tokens);
  const r = await page.evaluate(() => window.maskd.state().tokenReport!);
  expect(r.scenes).toBe(256);
  // The report chooses recipes and tokens: it reads validation scenes, never test ones.
  expect(r.split).toBe('val');
  await expect(page.getByTestId('token-report-summary')).toContainText('over 256 validation scenes');
  expect(r.labels).toHaveLength(11);
  // The segmentation tokens have no token-weight branch: no weights, no effective number.
  expect(r.weights).toBeNull();
  await expect(page.getByTestId('token-report-effective')).toHaveCount(0);
  await expect(page.getByTestId('gallery-token-weights')).toHaveCount(0);
  // Every value is a mean of sigmoid masks: inside [0, 1].
  expect(r.perClass.flat().every((v) => v >= 0 && v <= 1)).toBe(true);
  await expect(page.getByTestId('token-report-summary')).toContainText(`${r.liveCount} of ${tokens} tokens live`);
  const liveRows = await page.locator('[data-testid^="token-report-row-"][data-live="true"]').count();
  expect(liveRows).toBe(r.liveCount);
  // The first row's background cell shows its value.
  await expect(page.getByTestId('token-report-row-0').locator('td').nth(1)).toHaveAttribute('title', /^background: /);
  // A run changes the tokens: the report goes until measured again.
  await setNumber(page, 'mask-steps', 1);
  await page.getByTestId('run-learn-masks').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(report).toHaveCount(0);
});

test('Token weights (detection, with the branch): the weight of each token under its masks, and the mean weights and effective number of tokens in the report', async ({ page }, testInfo) => {
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
  await page.getByTestId('setup-task').selectOption('detection');
  await expect(page.getByTestId('mask-gallery')).toHaveAttribute('data-tokens', '6', { timeout: 120_000 });
  await waitForMasks(page);
  // Under the masks: one weight per token, from the shown snapshot's branch output over the previews.
  const row = page.getByTestId('gallery-token-weights');
  await expect(row).toBeVisible();
  const shown = await page.evaluate(() => {
    // Just loaded: one snapshot, the one shown.
    const snap = window.maskd.state().snapshots.at(-1)!;
    const T = snap.numTokens;
    const w = new Array<number>(T).fill(0);
    const rows = snap.tokenWeights!.length / T;
    snap.tokenWeights!.forEach((v, i) => (w[i % T] += v / rows));
    return w;
  });
  expect(shown).toHaveLength(6);
  expect(shown.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  for (let t = 0; t < 6; t++) await expect(page.getByTestId(`gallery-token-weight-${t}`)).toHaveAttribute('title', new RegExp(`^Token ${t + 1}: mean weight `));
  const heaviest = shown.indexOf(Math.max(...shown));
  await expect(page.getByTestId(`gallery-token-weight-${heaviest}`)).toContainText(/^w (0\.\d+|1(\.0+)?)$/);
  const entropy = -shown.reduce((acc, p) => acc + (p > 0 ? p * Math.log(p) : 0), 0);
  await expect(page.getByTestId('gallery-effective-tokens')).toHaveText(`effective ${Math.exp(entropy).toFixed(2)} of 6`);
  await row.scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'token-weights', false);

  // The report: a weight column, and the effective number of its mean weights over 256 validation scenes.
  await page.getByTestId('token-report-measure').click();
  const report = page.getByTestId('token-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  const r = await page.evaluate(() => window.maskd.state().tokenReport!);
  expect(r).toMatchObject({ split: 'val', scenes: 256, numTokens: 6 });
  expect(r.weights).toHaveLength(6);
  expect(r.weights!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  const rEntropy = -r.weights!.reduce((acc, p) => acc + (p > 0 ? p * Math.log(p) : 0), 0);
  expect(r.effectiveTokens).toBeCloseTo(Math.exp(rEntropy), 6);
  await expect(page.getByTestId('token-report-effective')).toContainText(`effective tokens ${r.effectiveTokens!.toFixed(2)} of 6`);
  await expect(report).toHaveAttribute('data-effective', String(r.effectiveTokens));
  for (let t = 0; t < 6; t++) await expect(page.getByTestId(`token-report-weight-${t}`)).toHaveAttribute('title', /^mean token weight /);
  await report.scrollIntoViewIfNeeded();
  await shot(page, testInfo, 'token-report-weights', false);
});
