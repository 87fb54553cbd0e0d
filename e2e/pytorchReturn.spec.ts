// The way back from PyTorch in a browser (issue 27): after a 2-step Distill, the page's run file
// and its stage-2 checkpoint become the run file train.py writes (formatVersion 2, PyTorch steps
// 3–4 of 6; src/state/pytorchRunFile.testkit.ts). Dropped on a fresh page it restores the whole
// curve with the hand-over marked (chart marker and its text), PyTorch's test mIoU labelled as
// such, Continue in PyTorch enabled, and Distill further takes step 5 (then 6) from the installed
// checkpoint. A file whose student does not fit is refused and the page stays as it was.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { pytorchRunFile } from '../src/state/pytorchRunFile.testkit';
import { waitForMasks, setDistillBudget } from './pageHelpers';

async function openDemo(page: Page): Promise<void> {
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
}

async function drop(page: Page, name: string, text: string): Promise<void> {
  await page.evaluate(
    ({ text, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'application/json' }));
      document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { text, name },
  );
}

test('a run file from train.py opens with the hand-over, PyTorch\'s result and its student, which distils further', async ({ page }) => {
  await openDemo(page);
  await setDistillBudget(page, { steps: 2, batch: 2, evalEvery: 2, valCount: 8 });
  await page.getByTestId('run-distill').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });

  // The page's checkpoint (arrays as number lists, as checkpointToJson writes them) and its run file.
  const checkpoint = await page.evaluate(async () => {
    const c = await window.maskd.engine().exportState();
    const plain = (a: { name: string; shape: readonly number[]; data: Float32Array }) => ({ name: a.name, shape: [...a.shape], data: Array.from(a.data) });
    const list = (l: readonly { name: string; shape: readonly number[]; data: Float32Array }[] | null) => l && l.map(plain);
    return JSON.parse(
      JSON.stringify({ ...c, tokens: c.tokens && plain(c.tokens), branch: list(c.branch), student: list(c.student), align: list(c.align), optimizer: list(c.optimizer), best: c.best && { ...c.best, weights: list(c.best.weights) } }),
    ) as Record<string, unknown>;
  });
  expect(checkpoint.step).toBe(2);
  if (!(await page.getByTestId('export-run').isVisible())) await page.getByTestId('export-menu-button').click();
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  const runText = readFileSync((await d.path())!, 'utf8');
  const name = 'maskd-run-segmentation-step4.json';

  await page.reload();
  await waitForMasks(page);
  await expect(page.getByTestId('pytorch-run')).toHaveCount(0);

  // A student that is not this demo's: refused, nothing replaced.
  await drop(page, 'wrong.json', pytorchRunFile(runText, checkpoint, (c) => (c.student[0].shape = [...c.student[0].shape].reverse())));
  await expect(page.getByTestId('messages')).toContainText(/Could not open wrong\.json: the checkpoint does not fit the segmentation demo: its student's weight .+ Nothing was changed/);
  await expect(page.getByTestId('loss-chart-distill')).toHaveAttribute('data-points', '0');
  await expect(page.getByTestId('pytorch-run')).toHaveCount(0);

  await drop(page, name, pytorchRunFile(runText, checkpoint));
  await expect(page.getByTestId('messages')).toContainText(`Restored the run from ${name}`);
  // The curve: browser 1–2, PyTorch 3–4, marked between 2 and 3; the hand-over and the result in words.
  const chart = page.getByTestId('loss-chart-distill');
  await expect(chart).toHaveAttribute('data-markers', /(^| )2\.5( |$)/);
  await expect(chart).toContainText('PyTorch from step 3');
  await expect(page.getByTestId('metric-chart')).toHaveAttribute('data-markers', /(^| )2\.5( |$)/);
  await expect(page.getByTestId('pytorch-handover')).toContainText('Steps 1–2 ran in the browser, steps 3–4 in PyTorch (torch 1.13.1, 2 processes on CPU)');
  await expect(page.getByTestId('pytorch-result')).toContainText('From PyTorch (train.py): test mIoU of the final student at step 4, 0.313 on 128 test scenes');
  await expect(page.getByTestId('distill-steps')).toHaveValue('6');
  if (!(await page.getByTestId('export-pytorch').isVisible())) await page.getByTestId('export-menu-button').click();
  await expect(page.getByTestId('export-pytorch')).toBeEnabled();

  // Distill further: step 5 from the installed checkpoint at 4, then 6.
  await page.getByTestId('pytorch-distill-further').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-step', /^[56]$/, { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-step', '6');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-total', '6');
  const steps = await page.evaluate(() => window.maskd.state().losses['distill:maskd:total']?.points.map((p) => p.x));
  expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
  expect((await page.evaluate(() => window.maskd.engine().exportState())).step).toBe(6);
});
