// Page helpers shared by the specs on the built app (WebGPU on the software adapter).
import { expect, type Page, type TestInfo } from '@playwright/test';

/** Distinct RGB values of a canvas and a cheap hash, read in the page. */
export async function canvasStats(page: Page, testId: string): Promise<{ distinct: number; hash: number }> {
  return page.getByTestId(testId).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    let hash = 0;
    for (let i = 0; i < px.length; i += 4) {
      const v = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
      seen.add(v);
      hash = (hash * 31 + v) | 0;
    }
    return { distinct: seen.size, hash };
  });
}

/**
 * A screenshot of the viewport (the app scrolls its columns itself at desktop sizes) as a test
 * artifact: a file in the test's output folder (`--output`), kept for passing tests, and an
 * attachment in the HTML report.
 */
/** A screenshot written to the test's output folder (kept for passing tests) and attached. */
export async function shot(page: Page, testInfo: TestInfo, name: string, fullPage = true): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ fullPage, path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export const runStep = async (page: Page) => Number(await page.getByTestId('run-status').getAttribute('data-step'));

/**
 * The step a paused run holds. The page shows Paused at once; the worker stops at its next step
 * boundary and then sends the step it holds. Progress comes at most every 250 ms, so until then
 * the shown step can lag several fast steps: this reads it once it has stopped changing.
 */
export async function pausedStep(page: Page): Promise<number> {
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'paused');
  // The engine's own paused step (the runState request), then the page showing it.
  const state = () => page.evaluate(() => window.maskd.engine().runState());
  await expect.poll(async () => (await state()).paused, { timeout: 20_000 }).toBe(true);
  const { step } = await state();
  await expect.poll(() => runStep(page), { timeout: 20_000 }).toBe(step);
  return step;
}

export async function setNumber(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).fill(String(value));
  await expect(page.getByTestId(testId)).toHaveValue(String(value));
}

/** Sets the stage-2 budget a test trains: Distill steps, batch, validation every k steps on n scenes. */
export async function setDistillBudget(page: Page, b: { steps: number; batch: number; evalEvery: number; valCount: number }): Promise<void> {
  await setNumber(page, 'distill-steps', b.steps);
  await setNumber(page, 'distill-batch', b.batch);
  await setNumber(page, 'distill-eval-every', b.evalEvery);
  await setNumber(page, 'distill-val-count', b.valCount);
}

/** Waits until the first token mask is drawn (not a uniform canvas); returns ms since navigation. */
export async function waitForMasks(page: Page, timeout = 120_000): Promise<number> {
  const handle = await page.waitForFunction(
    () => {
      const c = document.querySelector<HTMLCanvasElement>('[data-testid="mask-canvas-0-0"]');
      if (!c) return null;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 4; i < px.length; i += 4) if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2]) return performance.now();
      return null;
    },
    null,
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as number;
}
