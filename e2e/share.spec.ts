// Share links and exports on the built app (wasm backend; the link keeps `?backend=wasm`): a link opens the
// same masks in a fresh page, a tampered one falls back with a message, and every export
// downloads under its name and parses.
import { readFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { decodeLink, encodeLink } from '../src/share/linkCodec';
import { colormapLut } from '../src/viz/colormap';
import { composeOverlay } from '../src/ui/overlay';
import { setNumber, waitForMasks, setDistillBudget } from './pageHelpers';

type Pixels = Record<string, number[]>;

/** RGBA of every gallery canvas (scene images and token masks), keyed by test id. */
async function galleryPixels(page: Page): Promise<Pixels> {
  return page.evaluate(() => {
    const out: Record<string, number[]> = {};
    for (const c of document.querySelectorAll<HTMLCanvasElement>('[data-testid^="mask-canvas-"]')) {
      out[c.dataset.testid!] = Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
    }
    return out;
  });
}

async function openDemo(page: Page): Promise<void> {
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
  await expect(page.getByTestId('share-button')).toBeEnabled();
}

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  // The exports sit in the gallery header's Export menu, which a click elsewhere closes.
  if (!(await page.getByTestId(testId).isVisible())) await page.getByTestId('export-menu-button').click();
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: (d as Download).suggestedFilename(), bytes: readFileSync((await d.path())!) };
}

/** A safetensors header: 8-byte little-endian length, then JSON. */
function safetensorsHeader(bytes: Buffer): Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  delete header.__metadata__;
  return header;
}

test.describe.configure({ mode: 'serial' });

test('Share on the demo, open the link in a fresh page: the same masks within the quantisation bound', async ({ browser, page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openDemo(page);
  const original = await galleryPixels(page);
  await page.getByTestId('share-button').click();
  await expect(page.getByTestId('share-result')).toHaveAttribute('data-clipboard', 'copied');
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/#mkd1\.[A-Za-z0-9_-]+$/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  const sizeText = await page.getByTestId('share-size').textContent();
  const bound = Number(await page.getByTestId('share-bound').textContent());
  const hashChars = url.length - url.indexOf('#');
  expect(sizeText).toContain(`(${hashChars} characters)`);
  expect(hashChars).toBeLessThanOrEqual(32 * 1024);
  expect(bound).toBeGreaterThan(0);
  console.log(`share link: ${hashChars} characters; token bound ${bound}; notes: ${(await page.getByTestId('share-notes').count()) ? await page.getByTestId('share-notes').textContent() : 'none'}`);

  // A fresh browser context: nothing shared with the first page but the URL.
  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(url);
  await expect(fresh.getByTestId('shared-banner')).toBeVisible();
  await expect(fresh.getByTestId('shared-banner')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  await expect(fresh.getByTestId('run-learn-masks')).toHaveCount(0);
  await waitForMasks(fresh);
  const shared = await galleryPixels(fresh);
  expect(Object.keys(shared).sort()).toEqual(Object.keys(original).sort());

  // Tokens within ±bound move each mask by at most ¼·Σ|F|·bound ≪ 1/255, so a pixel can at most
  // cross into the neighbouring colour-map entry: bound the difference by the largest step of
  // the colour map between neighbours, times the opacity.
  const lut = colormapLut('viridis');
  let step = 0;
  for (let k = 3; k < lut.length; k++) step = Math.max(step, Math.abs(lut[k] - lut[k - 3]));
  const tolerance = Math.ceil(step * 0.65) + 1;
  let maxDiff = 0;
  let differing = 0;
  let total = 0;
  for (const [id, px] of Object.entries(original)) {
    const other = shared[id];
    expect(other.length).toBe(px.length);
    for (let i = 0; i < px.length; i++) {
      const d = Math.abs(px[i] - other[i]);
      maxDiff = Math.max(maxDiff, d);
      if (d) differing++;
      total++;
    }
    if (id.endsWith('-img')) expect(other).toEqual(px);
  }
  console.log(`shared masks: max channel difference ${maxDiff} (tolerance ${tolerance}), ${differing}/${total} channels differ`);
  testInfo.annotations.push({ type: 'pixel-diff', description: `${maxDiff} max, ${differing}/${total}` });
  expect(maxDiff).toBeLessThanOrEqual(tolerance);
  expect(differing / total).toBeLessThan(0.01);

  // Continue from here: the normal playground with the shared tokens, the fragment gone.
  await fresh.getByTestId('shared-continue').click();
  await expect(fresh.getByTestId('run-learn-masks')).toBeEnabled();
  expect(new URL(fresh.url()).hash).toBe('');
  expect(await galleryPixels(fresh)).toEqual(shared);
  await fresh.context().close();
});

test('a refused clipboard leaves the link in a field; a tampered link shows the error and opens the normal playground', async ({ page }) => {
  // As a browser that denies clipboard access does.
  await page.addInitScript(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  });
  await openDemo(page);
  await page.getByTestId('share-button').click();
  await expect(page.getByTestId('share-result')).toHaveAttribute('data-clipboard', 'refused');
  await expect(page.getByTestId('share-result')).toContainText('refused the clipboard');
  await expect(page.getByTestId('share-url')).toBeVisible();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/#mkd1\./);
  const at = url.indexOf('#') + 30;
  const tampered = url.slice(0, at) + (url[at] === 'A' ? 'B' : 'A') + url.slice(at + 1);
  const fresh = await page.context().newPage();
  await fresh.goto(tampered);
  await expect(fresh.getByTestId('message-error')).toContainText('This share link cannot be opened');
  await expect(fresh.getByTestId('message-error')).toContainText('normal playground');
  await expect(fresh.getByTestId('shared-banner')).toHaveCount(0);
  await expect(fresh.getByTestId('run-learn-masks')).toBeEnabled({ timeout: 60_000 });
  await waitForMasks(fresh);
  expect(new URL(fresh.url()).hash).toBe('');
});

test('a link with embedded mask images draws them at once; Continue says when its tokens do not fit the teacher', async ({ page }) => {
  const [P, H, W, T] = [2, 12, 12, 3];
  const masks = Float32Array.from({ length: P * H * W * T }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37));
  const enc = encodeLink({
    v: 1,
    task: 'custom',
    models: { teacher: { kind: 'sha256', hex: 'ab'.repeat(32) }, student: { kind: 'sha256', hex: 'cd'.repeat(32) } },
    seed: 99,
    hyper: {},
    tokens: { numTokens: T, channels: 8, data: Float32Array.from({ length: T * 8 }, (_, i) => i / 10) },
    previews: [1, 2],
    masks: { height: H, width: W, data: masks },
  });
  if (!enc.ok) throw new Error(enc.error);
  const dec = decodeLink(enc.hash);
  if (!dec.ok || !dec.state.masks) throw new Error('the link does not decode');
  const decoded = dec.state.masks.data;
  expect(Math.max(...Array.from(decoded, (v, i) => Math.abs(v - masks[i])))).toBeLessThanOrEqual(1 / 510 + 1e-7);

  await page.goto(`/?backend=wasm${enc.hash}`);
  await expect(page.getByTestId('shared-banner')).toHaveAttribute('data-source', 'images');
  await expect(page.getByTestId('shared-banner')).toHaveAttribute('data-phase', 'ready');
  await expect(page.getByTestId('mask-gallery')).toHaveAttribute('data-tokens', String(T));
  // Exactly what the gallery code draws from the decoded images (grey scenes, viridis, 65 %).
  const snapshot = { step: 0, stage: 'masks' as const, previews: P, imageSize: [H, W] as const, maskSize: [H, W] as const, numTokens: T, images: new Float32Array(P * H * W * 3).fill(0.5), masks: decoded };
  const lut = colormapLut('viridis');
  const drawn = await galleryPixels(page);
  for (let p = 0; p < P; p++) for (let t = 0; t < T; t++) expect(drawn[`mask-canvas-${p}-${t}`]).toEqual(Array.from(composeOverlay(snapshot, p, t, 0.65, lut)));

  await page.getByTestId('shared-continue').click();
  await expect(page.getByTestId('messages')).toContainText('do not fit the segmentation teacher', { timeout: 60_000 });
  await expect(page.getByTestId('run-learn-masks')).toBeEnabled();
  await waitForMasks(page);
});

test('every export downloads under its name and parses; the run file restores by drop and by open', async ({ page }) => {
  // A distillation, eight downloads and three page loads: about 2.7 min alone on the software adapter.
  test.setTimeout(480_000);
  await openDemo(page);
  // A two-step distillation, so the student zip carries an align module and there is history.
  await setDistillBudget(page, { steps: 2, batch: 2, evalEvery: 2, valCount: 8 });
  await page.getByTestId('run-distill').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  const T = Number(await page.getByTestId('mask-gallery').getAttribute('data-tokens'));

  const tokens = await download(page, 'export-tokens');
  expect(tokens.name).toBe(`maskd-tokens-segmentation-T${T}-C64.safetensors`);
  const header = safetensorsHeader(tokens.bytes);
  expect(header.mask_token).toMatchObject({ dtype: 'F32', shape: [T, 64] });
  const ends = Object.values(header).map((t) => t.data_offsets[1]);
  expect(8 + Number(tokens.bytes.readBigUInt64LE(0)) + Math.max(...ends)).toBe(tokens.bytes.length);

  const sidecar = await download(page, 'export-sidecar');
  expect(sidecar.name).toBe(`maskd-tokens-segmentation-T${T}-C64.json`);
  const side = JSON.parse(sidecar.bytes.toString('utf8'));
  expect(side).toMatchObject({ format: 'maskd-playground.tokens', weights: tokens.name, config: { numTokens: T, channels: 64, task: 'segmentation' } });

  // Continue in PyTorch: the run bundle at the step the distillation ended.
  const bundle = await download(page, 'export-pytorch');
  expect(bundle.name).toBe('maskd-pytorch-segmentation-step2.zip');
  const bundleFiles = unzipSync(new Uint8Array(bundle.bytes));
  const inBundle = (f: string) => `maskd-pytorch-segmentation-step2/${f}`;
  for (const f of ['train.py', 'student.py', 'teacher.py', 'align.py', 'run.json', 'README.md']) expect(Object.keys(bundleFiles)).toContain(inBundle(f));
  const bundleRun = JSON.parse(strFromU8(bundleFiles[inBundle('run.json')]));
  expect(bundleRun).toMatchObject({ format: 'maskd-playground.pytorch-run', task: 'segmentation', schedule: { step: 2 } });
  // The page's own next 10 steps from a throwaway copy of the state, for train.py --check.
  expect(bundleRun.check.map((h: { step: number }) => h.step)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

  const student = await download(page, 'export-student');
  expect(student.name).toBe('maskd-student-segmentation-tfjs.zip');
  const files = unzipSync(new Uint8Array(student.bytes));
  expect(Object.keys(files).sort()).toEqual(['README.txt', 'align/model.json', 'align/weights.bin', 'maskd-layers.js', 'student/model.json', 'student/weights.bin']);
  for (const dir of ['student', 'align']) {
    const shapes = await page.evaluate(
      async ({ json, bin, layers }) => {
        const tf = await window.maskd.tf();
        // The page's own TensorFlow.js does not know the nets' custom layer: the zip's module registers it.
        const url = URL.createObjectURL(new Blob([layers], { type: 'text/javascript' }));
        const mod = (await import(/* @vite-ignore */ url)) as { registerMaskdLayers(t: typeof tf): unknown };
        mod.registerMaskdLayers(tf);
        const model = await tf.loadLayersModel(
          tf.io.browserFiles([new File([json], 'model.json', { type: 'application/json' }), new File([new Uint8Array(bin)], 'weights.bin')]),
        );
        const result = { inputs: model.inputs.map((i) => i.shape), outputs: model.outputs.map((o) => o.shape), params: model.countParams() };
        model.dispose();
        return result;
      },
      { json: strFromU8(files[`${dir}/model.json`]), bin: Array.from(files[`${dir}/weights.bin`]), layers: strFromU8(files['maskd-layers.js']) },
    );
    console.log(`${dir} model.json loads: ${JSON.stringify(shapes)}`);
    expect(shapes.params).toBeGreaterThan(0);
    if (dir === 'student') expect(shapes.inputs[0]).toEqual([null, 64, 64, 3]);
    else expect(shapes.outputs[0]).toEqual([null, 16, 16, 64]);
  }

  const png = await download(page, 'export-png');
  expect(png.name).toMatch(/^maskd-masks-segmentation-step\d+\.png$/);
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)]).toEqual([2 + (T + 1) * 66, 2 + 4 * 66]);

  const csv = await download(page, 'export-history-csv');
  expect(csv.name).toBe('maskd-history-segmentation.csv');
  const rows = csv.bytes.toString('utf8').trim().split('\n');
  expect(rows[0]).toBe('kind,stage,method,term,step,value');
  const distillTotals = rows.filter((r) => r.startsWith('loss,distill,maskd,total,'));
  expect(distillTotals.map((r) => Number(r.split(',')[4]))).toEqual([1, 2]);
  expect(distillTotals.every((r) => Number.isFinite(Number(r.split(',')[5])))).toBe(true);
  const json = await download(page, 'export-history-json');
  expect(json.name).toBe('maskd-history-segmentation.json');
  const history = JSON.parse(json.bytes.toString('utf8'));
  expect(history.format).toBe('maskd-playground.history');
  expect(history.losses.find((s: { term: string; stage: string }) => s.stage === 'distill' && s.term === 'total').points.length).toBe(2);

  await setNumber(page, 'seed-input', 31337);
  const run = await download(page, 'export-run');
  expect(run.name).toBe('maskd-run-segmentation-seed31337.json');
  const runJson = JSON.parse(run.bytes.toString('utf8'));
  expect(runJson).toMatchObject({ format: 'maskd-playground.run', config: { seed: 31337, task: 'segmentation' } });
  expect(runJson.tokens.tokens.shape).toEqual([T, 64]);
  const linesBefore = await page.getByTestId('loss-chart-distill').getAttribute('data-points');
  const masksBefore = await galleryPixels(page);

  // Drop it onto a fresh page: settings, history and tokens come back.
  await page.reload();
  await waitForMasks(page);
  await expect(page.getByTestId('seed-input')).toHaveValue('1');
  const text = run.bytes.toString('utf8');
  await page.evaluate(
    ({ text, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'application/json' }));
      document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { text, name: run.name },
  );
  await expect(page.getByTestId('messages')).toContainText('Restored the run');
  await expect(page.getByTestId('seed-input')).toHaveValue('31337');
  await expect(page.getByTestId('distill-steps')).toHaveValue('2');
  await expect(page.getByTestId('loss-chart-distill')).toHaveAttribute('data-points', linesBefore ?? '');
  expect(await galleryPixels(page)).toEqual(masksBefore);

  // And through the file picker, plus the tokens .safetensors the same way.
  await page.reload();
  await waitForMasks(page);
  await page.getByTestId('open-file').setInputFiles({ name: run.name, mimeType: 'application/json', buffer: run.bytes });
  await expect(page.getByTestId('seed-input')).toHaveValue('31337');
  await page.getByTestId('open-file').setInputFiles({ name: tokens.name, mimeType: 'application/octet-stream', buffer: tokens.bytes });
  await expect(page.getByTestId('messages')).toContainText(`Imported ${T} tokens (C = 64`);
  expect(await galleryPixels(page)).toEqual(masksBefore);
});
