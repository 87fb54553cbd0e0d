// Bring your own model, in the built app on the wasm backend (`?backend=wasm`): fixture models are
// generated here (scripts/make-fixtures.mjs), then dropped (a DataTransfer of File objects
// dispatched as drop events) or picked in the file dialog (setInputFiles).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { writeFixtures } from '../scripts/make-fixtures.mjs';
import { setNumber, shot } from './pageHelpers';

const FIXTURES = fileURLToPath(new URL('./.artifacts/fixtures', import.meta.url));

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await writeFixtures(FIXTURES);
});

const filesOf = (name: string) => readdirSync(join(FIXTURES, name)).map((f) => join(FIXTURES, name, f));

/** Drops the fixture's files on `target` (a card's drop zone, or the page body) as a real drop event. */
async function dropFixture(page: Page, target: Locator, name: string): Promise<void> {
  const files = readdirSync(join(FIXTURES, name)).map((f) => ({ name: f, b64: readFileSync(join(FIXTURES, name, f)).toString('base64') }));
  const dt = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name));
    }
    return dt;
  }, files);
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  await target.dispatchEvent('drop', { dataTransfer: dt });
  await dt.dispose();
}

/** Runs stage 1 for `steps` and returns the ms/step the progress bar reports. */
async function learnMasks(page: Page, steps: number): Promise<number> {
  await setNumber(page, 'mask-steps', steps);
  await setNumber(page, 'mask-batch', 2);
  const runs = await page.evaluate(() => window.maskd.state().progress?.runId ?? 0);
  await page.getByTestId('run-learn-masks').click();
  // A few steps take well under a second on wasm: wait for this run's end, not for 'running'.
  await expect.poll(() => page.evaluate(() => window.maskd.state().progress?.runId ?? 0), { timeout: 60_000 }).toBeGreaterThan(runs);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  expect(Number(await page.getByTestId('run-status').getAttribute('data-step'))).toBe(steps);
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(0);
  const text = (await page.getByTestId('run-status').textContent()) ?? '';
  return Number(/([\d.,]+) ms\/step/.exec(text)?.[1]?.replace(/,/g, '') ?? NaN);
}

function note(testInfo: TestInfo, type: string, value: number): void {
  testInfo.annotations.push({ type, description: String(Math.round(value)) });
  console.log(`${type}: ${Math.round(value)}`);
}

async function dismissAll(page: Page): Promise<void> {
  const buttons = page.locator('[data-testid^="message-dismiss-"]');
  while ((await buttons.count()) > 0) await buttons.first().click();
}

test('a dropped teacher and a picked student load, fit, and stage 1 runs on them; each broken file says why and changes nothing', async ({ page }, testInfo) => {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
  await dismissAll(page);

  // Teacher: dropped anywhere on the page (not on a card) → the teacher.
  const t0 = Date.now();
  await dropFixture(page, page.locator('header'), 'teacher-valid');
  // Loose files carry no folder name: the card names model.json and the content hash.
  await expect(page.getByTestId('model-teacher-source')).toContainText(/^model\.json · sha256:[0-9a-f]{12}…$/, { timeout: 60_000 });
  note(testInfo, 'drop to teacher card (ms)', Date.now() - t0);
  const teacherSource = await page.getByTestId('model-teacher-source').textContent();
  await expect(page.getByTestId('byo-tap-teacher')).toHaveValue('feat');
  await expect(page.getByTestId('byo-tap-why-teacher')).toContainText('largest stride ≤ 8 (4)');
  await expect(page.getByTestId('byo-layers-teacher')).toContainText('[N, 256, 32]');
  await expect(page.getByTestId('model-card-teacher')).toContainText('[16, 16, 32]');

  // Student: the folder dialog (webkitdirectory), so the card names the folder.
  await page.getByTestId('byo-folder-student').setInputFiles(join(FIXTURES, 'student-valid'));
  await expect(page.getByTestId('model-student-source')).toContainText(/student-valid · sha256:[0-9a-f]{12}…/, { timeout: 60_000 });
  const studentSource = await page.getByTestId('model-student-source').textContent();
  await expect(page.getByTestId('byo-align')).toHaveText('1×1 conv 16→32, bilinear 8×8→16×16');
  await expect(page.getByTestId('model-card-student')).toContainText('[8, 8, 16]');
  await shot(page, testInfo, 'user-pair-loaded');

  note(testInfo, 'stage-1 ms/step, layers teacher (64×64, batch 2)', await learnMasks(page, 3));
  await expect(page.getByTestId('mask-gallery')).toHaveAttribute('data-step', '3');

  // Broken files, dropped on the teacher card: each its own message; the pair stays.
  const broken: [string, RegExp][] = [
    ['broken-not-json', /model\.json: is not JSON/],
    ['broken-not-tfjs', /model\.json: is JSON but not a TensorFlow\.js model/],
    ['broken-missing-shard', /group1-shard2of2\.bin: missing/],
    ['broken-extra-shard', /group1-shard3of2\.bin: not listed in model\.json's weightsManifest/],
    ['broken-shard-size', /group1-shard1of2\.bin, group1-shard2of2\.bin: hold \d+ bytes, but model\.json declares \d+ bytes/],
    ['broken-unsupported-layer', /"feat" \(MultiHeadSelfAttention\)/],
    ['broken-unsupported-op', /uses op "FancyRelu" \(node "feat\/Relu"\)/],
    ['broken-head-skip', /has no layer that can be the tap: layer "feat": the head reads "skip_conv" through layer "refine"/],
    ['broken-wrong-classes', /its output \[N,64,64,10\] does not match the segmentation demo's labels: they need \[N,64,64,11\]/],
    ['broken-gray-input', /takes 1-channel images and the demo scenes are RGB/],
    ['broken-too-large', /too large for this device: weight "huge\/kernel" \[12288,70000\] needs 3\.44 GB, .*WebAssembly memory/],
  ];
  const t1 = Date.now();
  for (const [name, text] of broken) {
    await dropFixture(page, page.getByTestId('drop-teacher'), name);
    const msg = page.locator('[data-testid="message-model-file"]');
    await expect(msg, name).toHaveCount(1, { timeout: 30_000 });
    await expect(msg, name).toContainText(/Could not load the teacher: /);
    await expect(msg, name).toContainText(text);
    await expect(msg, name).toContainText('unchanged');
    await expect(page.getByTestId('model-teacher-source'), name).toHaveText(teacherSource ?? '');
    await expect(page.getByTestId('model-student-source'), name).toHaveText(studentSource ?? '');
    await dismissAll(page);
  }
  note(testInfo, 'mean ms per broken file, drop to message', (Date.now() - t1) / broken.length);
  // A tap whose output is not 4-D, picked in the layer list: refused, the tap stays.
  await page.getByTestId('byo-tap-teacher').selectOption('flat');
  await expect(page.locator('[data-testid="message-model-file"]')).toContainText(/layer "flat" cannot be the tap: its output is 3-D \[N,256,32\], not a 4-D feature/);
  await expect(page.getByTestId('byo-tap-teacher')).toHaveValue('feat');
  await dismissAll(page);
  await shot(page, testInfo, 'after-broken-files');

  // The pair still trains after all that.
  await learnMasks(page, 2);
});

test('a graph-model teacher (frozen), picked as files, and a student from a URL; stage 1 runs through the tap node', async ({ page }, testInfo) => {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  await dismissAll(page);
  await page.getByTestId('byo-files-teacher').setInputFiles(filesOf('teacher-graph'));
  await expect(page.getByTestId('model-teacher-source')).toContainText(/^model\.json · sha256:[0-9a-f]{12}…$/, { timeout: 60_000 });
  await expect(page.getByTestId('byo-tap-teacher')).toHaveValue('feat/Relu');
  await expect(page.getByTestId('byo-layers-teacher')).toContainText('graph-model');
  await expect(page.getByTestId('byo-align')).toHaveText('1×1 conv 32→24');
  // The student from a URL (served here by a route): model.json, then the shards it lists.
  const requested: string[] = [];
  await page.route('https://models.example/**', async (route) => {
    const url = new URL(route.request().url());
    requested.push(url.pathname);
    const file = join(FIXTURES, ...url.pathname.split('/').filter(Boolean));
    await route.fulfill({ body: readFileSync(file), headers: { 'access-control-allow-origin': '*' } });
  });
  await page.getByTestId('byo-url').fill('https://models.example/student-valid/model.json');
  await page.getByTestId('byo-url-role').selectOption('student');
  await page.getByTestId('byo-url-load').click();
  await expect(page.getByTestId('model-student-source')).toContainText(/^student-valid · sha256:[0-9a-f]{12}…$/, { timeout: 60_000 });
  expect(requested).toEqual(['/student-valid/model.json', '/student-valid/group1-shard1of2.bin', '/student-valid/group1-shard2of2.bin']);
  await expect(page.getByTestId('byo-align')).toHaveText('1×1 conv 16→24, bilinear 8×8→16×16');
  note(testInfo, 'stage-1 ms/step, graph teacher (64×64, batch 2)', await learnMasks(page, 2));
  await shot(page, testInfo, 'graph-teacher');
});
