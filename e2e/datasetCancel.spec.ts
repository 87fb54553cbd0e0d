// A dataset load in the built app (`?backend=wasm`): its progress bar counts the files read and
// the images decoded, and Cancel stops the worker mid-decode, keeping the page as it was. The drop
// (300 noise PNGs of 256², the same bytes under 300 names) is made in the page.
import { expect, test } from '@playwright/test';

test('a dataset load shows its progress and Cancel stops it while the worker decodes', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('setup-task').selectOption('custom');
  await expect(page.getByTestId('dataset-empty')).toBeVisible();

  await page.getByTestId('dataset-drop').evaluate(async (el) => {
    const canvas = new OffscreenCanvas(256, 256);
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(256, 256);
    let seed = 1;
    for (let i = 0; i < img.data.length; i++) img.data[i] = i % 4 === 3 ? 255 : ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    ctx.putImageData(img, 0, 0);
    const png = await canvas.convertToBlob({ type: 'image/png' });
    const dt = new DataTransfer();
    for (let i = 0; i < 300; i++) {
      const file = new File([png], `img${i}.png`);
      Object.defineProperty(file, 'webkitRelativePath', { value: `noise/img${i}.png` });
      dt.items.add(file);
    }
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });

  const status = page.getByTestId('dataset-loading');
  await expect(status.getByRole('progressbar', { name: 'Dataset load progress' })).toBeVisible();
  await expect(status).toHaveAttribute('data-phase', 'decoding', { timeout: 30_000 });
  expect(Number(await status.getAttribute('data-total'))).toBe(300);
  await page.getByTestId('dataset-cancel').click();
  await expect(status).toBeHidden({ timeout: 30_000 });
  await expect(page.locator('[data-testid^="message-"][data-level]').last()).toContainText('Dataset load cancelled. No dataset is loaded.');
  await expect(page.getByTestId('dataset-empty')).toBeVisible();
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(0);
});
