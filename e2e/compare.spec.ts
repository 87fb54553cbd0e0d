// A tiny comparison (none vs MasKD, 4 steps at batch 2, wasm): the table shows the shipped
// reproduction's interval beside each live row and the one line on what one seed can show, the
// run bar says which method of how many and the comparison's overall step, and the live curve
// lays the methods end to end with each start marked.
import { expect, test } from '@playwright/test';
import { reproductionOf } from '../src/share/reproduction';
import { ci95 } from '../src/share/stats';
import { waitForMasks, setDistillBudget } from './pageHelpers';

test('Compare none vs MasKD: the reproduction beside the live rows, method k of n, the method starts on the curve', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
  const task = await page.evaluate(() => window.maskd.state().task);
  for (const m of ['fitnet', 'cwd']) await page.getByTestId(`compare-method-${m}`).uncheck();
  await setDistillBudget(page, { steps: 4, batch: 2, evalEvery: 2, valCount: 4 });
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 120_000 });
  const table = page.getByTestId('compare-table');
  await expect(table).toHaveAttribute('data-rows', '2');

  // The reproduction's mean ± 95% CI per method, as the shipped summary gives it, with its budget in the header.
  const repro = reproductionOf(task, 'pretrained');
  if (!repro) throw new Error(`no reproduction shipped for ${task}`);
  await expect(page.getByTestId('compare-repro-head')).toContainText(`${repro.steps} steps × batch ${repro.batchSize}, ${repro.seeds.length} seeds`);
  for (const m of ['none', 'maskd'] as const) {
    const i = ci95(repro.methods.find((x) => x.method === m)?.values ?? []);
    await expect(page.getByTestId(`compare-repro-${m}`)).toHaveText(new RegExp(`^${i.mean.toFixed(3)} ± 0\\.0\\d+$`));
  }
  // One seed: the line on what it can show, and no star.
  await expect(page.getByTestId('compare-caveat')).toContainText('One seed at 4 steps × batch 2 shows whether each method learns, not their order');
  await expect(table).toHaveAttribute('data-starred', '');
  await expect(table).not.toContainText('★');

  // The run bar: the last method of two, the comparison's overall step.
  await expect(page.getByTestId('run-compare-position')).toHaveText('(method 2 of 2)');
  await expect(page.getByTestId('run-compare-step')).toHaveText('8 / 8');
  await expect(page.getByTestId('run-status')).toContainText('ETA');

  // The live curve: MasKD's line after the student alone's, a marker where each starts.
  const live = page.getByTestId('live-loss-chart');
  await expect(live).toHaveAttribute('data-axis', 'comparison');
  await expect(page.getByTestId('live-method-start')).toHaveCount(2);
  expect(await page.getByTestId('live-method-start').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['1', '5']);
  await expect(page.getByTestId('live-method-start-label')).toHaveText(['none', 'MasKD']);
});
