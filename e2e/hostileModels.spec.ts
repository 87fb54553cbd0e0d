// Hostile model and dataset files on the built app (wasm backend), each made here at test time:
// a model.json of eight Dense layers of 20 000 units with an empty manifest (tfjs would zero-fill
// 3.2·10⁹ parameters, 12.8 GB, before reading the manifest), a model URL whose manifest lists a
// shard on another host, and a label PNG whose header says 40 000×40 000 over 1.55 MB of
// compressed zeros (fast-png would inflate 1.6 GB). Each one: the message names the file and the
// limit, the page and the worker go on, and what was loaded is the same as before — the teacher,
// its masks on the preview scenes (values, bit for bit), its metric, the dataset, and the
// worker's tensor count and bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { encode } from 'fast-png';
import { writeFixtures } from '../scripts/make-fixtures.mjs';
import { writeDatasetFixtures } from '../scripts/make-dataset-fixtures.mjs';
import { craftPng } from '../src/data/custom/hostile.testkit';

const FIXTURES = fileURLToPath(new URL('./.artifacts/hostile-models', import.meta.url));
const sets = writeDatasetFixtures(fileURLToPath(new URL('./.artifacts/hostile-datasets', import.meta.url)));

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  await writeFixtures(FIXTURES);
});

interface DropFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Drops files on `target` as a real drop (File objects with folder paths in a DataTransfer). */
async function drop(target: Locator, files: readonly DropFile[]): Promise<void> {
  const list = files.map((f) => ({ path: f.path, b64: Buffer.from(f.bytes).toString('base64') }));
  await target.evaluate((el, list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const file = new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.path.slice(f.path.lastIndexOf('/') + 1));
      Object.defineProperty(file, 'webkitRelativePath', { value: f.path });
      dt.items.add(file);
    }
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, list);
}

const fixtureFiles = (name: string): DropFile[] => readdirSync(join(FIXTURES, name)).map((f) => ({ path: f, bytes: readFileSync(join(FIXTURES, name, f)) }));

/** What must not change: the worker's masks of the preview scenes (a hash of their float32 bits), its teacher metric and memory, the cards. */
async function inUse(page: Page) {
  const worker = await page.evaluate(async () => {
    const engine = window.maskd.engine();
    const snap = await engine.snapshotMasks();
    const bits = new Uint32Array(snap.masks.buffer, snap.masks.byteOffset, snap.masks.length);
    let hash = 0;
    for (const b of bits) hash = (Math.imul(hash, 31) + b) | 0;
    const metric = (await engine.evaluate('teacher', 4)).teacher?.value ?? NaN;
    const memory = await engine.memory();
    return { masks: snap.masks.length, hash, metric, numTensors: memory.numTensors, numBytes: memory.numBytes };
  });
  const cards = await page.evaluate(() => ({ teacher: window.maskd.state().teacher?.source, student: window.maskd.state().student?.source }));
  return { ...worker, ...cards };
}

async function dismissAll(page: Page): Promise<void> {
  const buttons = page.locator('[data-testid^="message-dismiss-"]');
  while ((await buttons.count()) > 0) await buttons.first().click();
}

test('hostile model files: a topology of 3.2·10⁹ parameters with an empty manifest, a shard on another host; refused by file and limit, nothing changes', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  await dismissAll(page);
  // A tab with work: the user's teacher, with tokens learnt on it.
  await drop(page.getByTestId('drop-teacher'), fixtureFiles('teacher-valid'));
  await expect(page.getByTestId('model-teacher-source')).toContainText(/^model\.json · sha256:/, { timeout: 60_000 });
  await page.getByTestId('mask-steps').fill('2');
  await page.getByTestId('mask-batch').fill('2');
  await page.getByTestId('run-learn-masks').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-step', '2', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await dismissAll(page);
  const before = await inUse(page);
  expect(before.masks).toBeGreaterThan(0);

  // Eight Dense layers of 20 000 units, manifest empty: under 1 kB of JSON.
  const evil = {
    format: 'layers-model',
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'evil', layers: Array.from({ length: 8 }, (_, i) => ({ class_name: 'Dense', config: { name: `d${i}`, units: 20_000, ...(i === 0 ? { batch_input_shape: [null, 20_000] } : {}) } })) },
    },
    weightsManifest: [],
  };
  const json = new TextEncoder().encode(JSON.stringify(evil));
  expect(json.length).toBeLessThan(1000);
  const t0 = Date.now();
  await drop(page.getByTestId('drop-teacher'), [{ path: 'model.json', bytes: json }]);
  const msg = page.locator('[data-testid="message-model-file"]');
  await expect(msg).toContainText(
    /Could not load the teacher: model\.json: declares 3 200 160 000 parameters \(12\.80 GB as float32\), over the 536 870 912 parameters \(2 GiB of float32\) limit on parameters a layers-model topology declares/,
    { timeout: 30_000 },
  );
  console.log(`8 × Dense 20 000, empty manifest: refused in ${Date.now() - t0} ms`);
  expect(await inUse(page)).toEqual(before);
  await dismissAll(page);

  // A model URL whose manifest lists a shard on another host: nothing but model.json is fetched.
  const requested: string[] = [];
  await page.route('https://*.example/**', async (route) => {
    const url = route.request().url();
    requested.push(url);
    const manifest = { format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [{ paths: ['https://evil.example/w.bin'], weights: [{ name: 'w', shape: [1000], dtype: 'float32' }] }] };
    await route.fulfill({ body: JSON.stringify(manifest), headers: { 'access-control-allow-origin': '*', 'content-type': 'application/json' } });
  });
  await page.getByTestId('byo-url').fill('https://models.example/evil/model.json');
  await page.getByTestId('byo-url-load').click();
  await expect(msg).toContainText(
    /Could not load the teacher: https:\/\/models\.example\/evil\/model\.json: lists the shard "https:\/\/evil\.example\/w\.bin", which is not a path relative to model\.json: shards are fetched only from model\.json's own folder; nothing was fetched/,
    { timeout: 30_000 },
  );
  expect(requested).toEqual(['https://models.example/evil/model.json']);
  await expect(page.getByTestId('byo-url-abort')).toHaveCount(0);
  expect(await inUse(page)).toEqual(before);
  console.log(`worker after both: ${before.numTensors} tensors, ${before.numBytes} bytes (unchanged)`);

  // The worker goes on: a stage-1 step on the same teacher.
  await dismissAll(page);
  await page.getByTestId('mask-steps').fill('1');
  await page.getByTestId('run-learn-masks').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-step', '1');
});

test('a label PNG whose header says 40 000×40 000: refused from its header by file and limit; the dataset in use stays and the worker goes on', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('setup-task').selectOption('custom');
  await page.getByTestId('dataset-input-size').fill('32');
  const valid = sets['seg-valid'].files.map((f) => ({ path: f.path, bytes: new Uint8Array(f.data) }));
  await drop(page.getByTestId('dataset-drop'), valid);
  const summary = page.getByTestId('dataset-summary');
  await expect(summary).toHaveAttribute('data-train', '8', { timeout: 30_000 });
  const summaryBefore = await page.evaluate(() => JSON.stringify(window.maskd.state().dataset));
  const before = await inUse(page);

  const bomb = craftPng({ width: 40_000, height: 40_000 });
  expect(bomb.length).toBeLessThan(1.6e6);
  const image = encode({ width: 4, height: 4, data: new Uint8Array(48).fill(128), channels: 3, depth: 8 });
  const otherLabel = encode({ width: 4, height: 4, data: new Uint8Array(16).fill(1), channels: 1, depth: 8 });
  const t0 = Date.now();
  await drop(page.getByTestId('dataset-drop'), [
    { path: 'bomb/images/a.png', bytes: image },
    { path: 'bomb/labels/a.png', bytes: bomb },
    { path: 'bomb/images/b.png', bytes: image },
    { path: 'bomb/labels/b.png', bytes: otherLabel },
  ]);
  const msg = page.locator('[data-testid^="message-"][data-level="error"]');
  await expect(msg).toContainText(/Could not load the dataset: labels\/a\.png: is too large: its PNG header says 40 000×40 000 .* over the 16 777 216 pixels \(4096²\) limit/, { timeout: 30_000 });
  await expect(msg).toContainText('still the one in use');
  console.log(`40 000² label PNG (${bomb.length} bytes): refused in ${Date.now() - t0} ms`);
  expect(await page.evaluate(() => JSON.stringify(window.maskd.state().dataset))).toBe(summaryBefore);
  expect(await inUse(page)).toEqual(before);
  // The worker goes on: the same dataset loads again.
  await drop(page.getByTestId('dataset-drop'), valid);
  await expect(page.locator('[data-testid^="message-"][data-level="error"]')).toHaveCount(1);
  await expect(summary).toHaveAttribute('data-train', '8', { timeout: 30_000 });
});
