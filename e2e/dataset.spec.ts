// Bring your own dataset, in the built app on the wasm backend (`?backend=wasm`): real drops (a
// DataTransfer of File objects in a dispatched drop event), the folder dialog, each broken
// fixture's message, and a teacher trained for a few steps on the dropped set. Fixtures are made
// by scripts/make-dataset-fixtures.mjs when the spec starts.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { writeDatasetFixtures } from '../scripts/make-dataset-fixtures.mjs';
import { writeFixtures } from '../scripts/make-fixtures.mjs';
import { shot } from './pageHelpers';

const outDir = fileURLToPath(new URL('./.artifacts/datasets', import.meta.url));
const sets = writeDatasetFixtures(outDir);
const modelsDir = fileURLToPath(new URL('./.artifacts/dataset-models', import.meta.url));

/** Drops a fixture set on the drop zone as the browser would: File objects with folder-relative paths. */
async function dropSet(page: Page, name: string): Promise<void> {
  const files = sets[name].files.map((f) => ({ path: f.path, b64: Buffer.from(f.data).toString('base64') }));
  await page.getByTestId('dataset-drop').evaluate((el, list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const file = new File([bytes], f.path.slice(f.path.lastIndexOf('/') + 1));
      // What a folder drop or dialog gives each file; a synthetic DataTransfer cannot carry directories.
      Object.defineProperty(file, 'webkitRelativePath', { value: f.path });
      dt.items.add(file);
    }
    el.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

async function openCustom(page: Page): Promise<void> {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('setup-task').selectOption('custom');
  await expect(page.getByTestId('dataset-card')).toBeVisible();
  await expect(page.getByTestId('dataset-empty')).toBeVisible();
}

/** Stage 1 for two steps; the gallery then draws the dataset's validation images at their input `size`. */
async function learnMasksOnDataset(page: Page, size: number): Promise<void> {
  await page.getByTestId('mask-steps').fill('2');
  await page.getByTestId('mask-batch').fill('2');
  await page.getByTestId('run-learn-masks').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-stage', 'masks', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(page.getByTestId('mask-gallery')).toHaveAttribute('data-step', '2');
  const drawn = await page.getByTestId('mask-canvas-0-img').evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
  expect(drawn).toEqual([size, size]);
}

async function distinctColours(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    return seen.size;
  });
}

test.describe.configure({ mode: 'serial' });

test('drop a segmentation folder, reject each broken one by name, train a teacher on it and learn masks', async ({ page }, testInfo) => {
  await openCustom(page);
  await page.getByTestId('dataset-input-size').fill('32');

  await dropSet(page, 'seg-valid');
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-task', 'segmentation', { timeout: 30_000 });
  await expect(summary).toHaveAttribute('data-classes', '3');
  await expect(summary).toHaveAttribute('data-train', '8');
  await expect(summary).toHaveAttribute('data-val', '2');
  await expect(page.getByTestId('dataset-summary-text')).toContainText('40×40 resized to 32×32');
  await expect(page.locator('[data-testid^="dataset-preview-"]')).toHaveCount(4);
  expect(await distinctColours(page, 'dataset-preview-0')).toBeGreaterThan(8);
  await shot(page, testInfo, 'seg-loaded');

  const broken = Object.entries(sets).filter(([, s]) => s.expect !== null);
  expect(broken.length).toBe(12);
  for (const [name, set] of broken) {
    await dropSet(page, name);
    const msg = page.locator('[data-testid^="message-"][data-level="error"]').filter({ hasText: new RegExp(set.expect!) });
    await expect(msg, name).toHaveCount(1, { timeout: 30_000 });
    await expect(msg).toContainText('still the one in use');
    // What was loaded before stays.
    await expect(summary).toHaveAttribute('data-task', 'segmentation');
    await expect(summary).toHaveAttribute('data-train', '8');
    await page.locator('[data-testid^="message-dismiss-"]').first().click();
    await expect(msg).toHaveCount(0);
  }
  await shot(page, testInfo, 'after-broken');

  // Train a teacher on the dataset that stayed loaded, with a small budget: long enough (a few
  // seconds on wasm) for several throttled progress reports.
  await page.getByTestId('dataset-teacher-steps').fill('200');
  await page.getByTestId('dataset-teacher-batch').fill('2');
  // Record the engine's tensor count at every reported step.
  await page.getByTestId('dataset-teacher-status').evaluate((el) => {
    const seen: [number, number][] = [];
    (window as unknown as { teacherTensors: [number, number][] }).teacherTensors = seen;
    new MutationObserver(() => {
      const step = Number(el.getAttribute('data-step'));
      const n = el.getAttribute('data-tensors');
      if (step > 0 && n) seen.push([step, Number(n)]);
    }).observe(el, { attributes: true });
  });
  await page.getByTestId('dataset-train-teacher').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-stage', 'teacher', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-step', '200');
  const loss = Number(await page.getByTestId('dataset-teacher-status').getAttribute('data-loss'));
  expect(Number.isFinite(loss) && loss > 0).toBe(true);
  await expect(page.getByTestId('run-status')).toContainText('loss');
  const tensors = await page.evaluate(() => (window as unknown as { teacherTensors: [number, number][] }).teacherTensors);
  const later = [...new Map(tensors).entries()].filter(([s]) => s >= 2).map(([, n]) => n);
  testInfo.annotations.push({ type: 'teacher-tensors', description: JSON.stringify(tensors) });
  console.log(`teacher steps (step, engine tensors): ${JSON.stringify(tensors)}; final loss ${loss}; ${await page.getByTestId('run-status').innerText()}`);
  expect(later.length).toBeGreaterThanOrEqual(2);
  expect(new Set(later).size, `tensors per step: ${JSON.stringify(tensors)}`).toBe(1);
  await expect(page.getByTestId('model-teacher-source')).toHaveText(/^dataset:segmentation-teacher · sha256:[0-9a-f]{12}…$/);
  await expect(page.getByTestId('model-card-teacher')).toContainText('[8, 8, 64]');
  await expect(page.getByTestId('dataset-teacher-status')).toContainText('trained on this dataset');
  await expect(page.getByTestId('gallery-no-tokens')).toBeVisible();
  await shot(page, testInfo, 'teacher-trained');

  // Stage 1 now runs on the dataset: the gallery draws its validation samples.
  await learnMasksOnDataset(page, 32);
  await shot(page, testInfo, 'masks-on-dataset');
});

test('pick a detection folder with the file dialog', async ({ page }, testInfo) => {
  await openCustom(page);
  await page.getByTestId('dataset-input').setInputFiles(`${outDir}/det-valid`);
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-task', 'detection', { timeout: 30_000 });
  await expect(summary).toHaveAttribute('data-classes', '2');
  await expect(page.getByTestId('dataset-summary-text')).toContainText('10 images (8 train, 2 validation)');
  await expect(summary.getByRole('list', { name: 'Classes' })).toContainText('square');
  await expect(summary.getByRole('list', { name: 'Classes' })).toContainText('disc (10 boxes)');
  await expect(page.locator('[data-testid^="dataset-preview-"]')).toHaveCount(4);
  expect(await distinctColours(page, 'dataset-preview-1')).toBeGreaterThan(8);
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(0);
  await shot(page, testInfo, 'det-picked');
});

test('JPEG images decode with the browser decoder in the worker', async ({ page }) => {
  await openCustom(page);
  const files = sets['seg-valid'].files.map((f) => ({ path: f.path, b64: Buffer.from(f.data).toString('base64') }));
  // Re-encode every image (not the labels) as JPEG in the page, then drop the set.
  await page.getByTestId('dataset-drop').evaluate(async (el, list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      let blob = new Blob([bytes], { type: 'image/png' });
      let path = f.path;
      if (path.includes('/images/')) {
        const bmp = await createImageBitmap(blob);
        const canvas = new OffscreenCanvas(bmp.width, bmp.height);
        canvas.getContext('2d')!.drawImage(bmp, 0, 0);
        blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
        path = path.replace(/\.png$/, '.jpg');
      }
      const file = new File([blob], path.slice(path.lastIndexOf('/') + 1));
      Object.defineProperty(file, 'webkitRelativePath', { value: path });
      dt.items.add(file);
    }
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-task', 'segmentation', { timeout: 30_000 });
  await expect(summary).toHaveAttribute('data-classes', '3');
  await expect(page.getByTestId('dataset-summary-text')).toContainText('10 images');
  expect(await distinctColours(page, 'dataset-preview-0')).toBeGreaterThan(8);
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(0);
});

test('your own teacher and student on the dataset: checked against its labels, stage 1 on its images', async ({ page }, testInfo) => {
  await writeFixtures(modelsDir);
  await openCustom(page);
  await page.getByTestId('dataset-input-size').fill('32');
  await dropSet(page, 'seg-valid');
  await expect(page.getByTestId('dataset-summary')).toHaveAttribute('data-classes', '3', { timeout: 30_000 });
  await expect(page.getByTestId('byo-data')).toContainText('your segmentation dataset (3 classes, 32×32)');

  // A 64×64 teacher does not fit the 32×32 dataset (its 11 classes would make it label-free; its size cannot be): refused by file, nothing changes.
  const demoTeacher = await page.getByTestId('model-teacher-source').textContent();
  await page.getByTestId('byo-folder-teacher').setInputFiles(join(modelsDir, 'teacher-valid'));
  const refusal = page.locator('[data-testid="message-model-file"]');
  await expect(refusal).toContainText(/teacher-valid\/model\.json: takes 64×64 images and the dataset is loaded at 32×32: set the dataset card's input size to 64/, { timeout: 60_000 });
  await expect(page.getByTestId('model-teacher-source')).toHaveText(demoTeacher ?? '');
  await page.locator('[data-testid^="message-dismiss-"]').first().click();

  await page.getByTestId('byo-folder-teacher').setInputFiles(join(modelsDir, 'teacher-3class-32'));
  await expect(page.getByTestId('model-teacher-source')).toContainText(/^teacher-3class-32 · sha256:[0-9a-f]{12}…$/, { timeout: 60_000 });
  await page.getByTestId('byo-folder-student').setInputFiles(join(modelsDir, 'student-3class-32'));
  await expect(page.getByTestId('model-student-source')).toContainText(/^student-3class-32 · sha256:[0-9a-f]{12}…$/, { timeout: 60_000 });
  await expect(page.getByTestId('byo-align')).toHaveText('1×1 conv 16→32, bilinear 4×4→8×8');
  await expect(page.getByTestId('model-card-teacher')).toContainText('[8, 8, 32]');
  await expect(page.getByTestId('dataset-teacher-status')).toContainText('Your models run on this dataset');
  await expect(page.getByTestId('gallery-no-tokens')).toBeVisible();
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(0);

  await learnMasksOnDataset(page, 32);
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(0);
  await shot(page, testInfo, 'own-models-on-dataset');
});

test('a folder of images without labels: shown as images only, a graph teacher loads on it label-free, masks and a distillation run on its images', async ({ page }, testInfo) => {
  await writeFixtures(modelsDir);
  await openCustom(page);
  await page.getByTestId('dataset-input-size').fill('32');
  await dropSet(page, 'images-only');
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-task', 'images', { timeout: 30_000 });
  await expect(page.getByTestId('dataset-summary-text')).toContainText('Images only · 10 images (8 train, 2 validation) · no labels · images 40×40 resized to 32×32');
  await expect(page.locator('[data-testid^="dataset-preview-"]')).toHaveCount(4);
  await expect(page.getByTestId('dataset-train-teacher')).toBeDisabled();
  await expect(page.getByTestId('dataset-teacher-status')).toContainText('no labels to train a teacher on');
  await expect(page.getByTestId('byo-data')).toContainText('images only');

  // seg.json + seg.bin (a batch fixed at 1, three outputs): its own outputs are the targets.
  await page.getByTestId('byo-files-teacher').setInputFiles([join(modelsDir, 'teacher-graph-labelfree', 'seg.json'), join(modelsDir, 'teacher-graph-labelfree', 'seg.bin')]);
  await expect(page.getByTestId('model-teacher-source')).toContainText(/^seg\.json · sha256:[0-9a-f]{12}…$/, { timeout: 60_000 });
  await expect(page.getByTestId('byo-label-free')).toContainText('images only');
  await expect(page.getByTestId('mask-objective')).toHaveValue('teacher');
  await expect(page.getByTestId('mask-objective-help')).toHaveAttribute('data-auto', 'true');
  await learnMasksOnDataset(page, 32);
  await expect(page.getByTestId('run-objective')).toBeVisible();
  await page.getByTestId('distill-steps').fill('2');
  await page.getByTestId('distill-batch').fill('2');
  await page.getByTestId('distill-eval-every').fill('2');
  await page.getByTestId('run-distill').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-stage', 'distill', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  expect(await page.evaluate(() => window.maskd.state().progress?.metric?.name)).toBe('agreement');
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(0);
  await shot(page, testInfo, 'images-only-label-free');
});
