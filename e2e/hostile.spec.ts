// Hostile files and links on the built app (wasm backend, tiny budgets), each made here at test
// time: a .safetensors with mask_token [100000, 64] (with its 25.6 MB of data), an F64 token
// file holding 1e300, a run file and a token file of 65 MiB (a File whose size says so; none of
// its bytes exist), a run file of the other task that fails half-way in the engine (its demo is
// built, then its tokens do not fit), and share links pasted into the address bar of a tab with
// trained tokens (invalid: no reload; valid: a dialog; Keep leaves everything; Open replaces).
// Each one: the message names the file and the limit, the page and the worker go on, and the
// tokens in use are the same values as before, with the worker's tensor count where it was.
import { expect, test, type Page } from '@playwright/test';
import { decodeLink, encodeLink } from '../src/share/linkCodec';
import { buildRunFile } from '../src/share/runFile';
import { defaultDistillSettings, defaultMaskSettings } from '../src/state/setupSlice';
import { setNumber, waitForMasks } from './pageHelpers';

interface EngineTokens {
  tokens: { shape: number[]; data: number[] };
  branch: unknown;
}

/** The tokens the worker holds now (values as float32, bit for bit). */
const engineTokens = (page: Page): Promise<EngineTokens> =>
  page.evaluate(async () => {
    const f = await window.maskd.engine().exportTokens();
    return { tokens: { shape: [...f.tokens.shape], data: [...f.tokens.data] }, branch: f.branch ?? null };
  });

const engineMemory = (page: Page) => page.evaluate(() => window.maskd.engine().memory());

/** What a refused input must leave as it was: the worker's tokens and tensors, the page's Setup and history. */
async function inUse(page: Page) {
  const tokens = await engineTokens(page);
  const memory = await engineMemory(page);
  const page_ = await page.evaluate(() => {
    const s = window.maskd.state();
    return { task: s.task, seed: s.seed, mask: s.mask, losses: s.losses, tokens: s.tokens, snapshots: s.snapshots.length, teacher: s.teacher?.source };
  });
  return { tokens, memory, page: page_ };
}

/** Opens the page on wasm and learns tokens for a few steps: a tab with work. */
async function pageWithTrainedTokens(page: Page): Promise<void> {
  await page.goto('/?backend=wasm');
  await waitForMasks(page);
  await setNumber(page, 'mask-steps', 2);
  await setNumber(page, 'mask-batch', 2);
  await page.getByTestId('mask-token-weights').uncheck();
  await page.getByTestId('run-learn-masks').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-phase', 'idle', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-step', '2');
  expect(await page.evaluate(() => window.maskd.state().ownTokens)).toBe(true);
}

/** Drops a file made in the page on the page, as a user's drag from the desktop would. */
async function dropInPage(page: Page, make: string, arg: unknown = null): Promise<void> {
  await page.evaluate(
    ({ make, arg }) => {
      const file = (new Function('arg', make) as (a: unknown) => File)(arg);
      const dt = new DataTransfer();
      dt.items.add(file);
      document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { make, arg },
  );
}

/** A File of `size` bytes by its size alone (one byte of content); reading it is recorded in window.__reads. */
const HUGE_FILE = `
  const f = new File(['{'], arg.name, { type: arg.type });
  Object.defineProperty(f, 'size', { value: arg.size });
  window.__reads = 0;
  for (const m of ['text', 'arrayBuffer', 'bytes', 'stream', 'slice']) {
    const real = f[m].bind(f);
    f[m] = (...a) => { window.__reads++; return real(...a); };
  }
  return f;`;

/** A .safetensors of one F32 tensor [T, C] with all its (zero) data, built in the page. */
const SAFETENSORS_F32 = `
  const header = new TextEncoder().encode(JSON.stringify({ mask_token: { dtype: 'F32', shape: [arg.t, arg.c], data_offsets: [0, arg.t * arg.c * 4] } }));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(header.length), true);
  return new File([len, header, new ArrayBuffer(arg.t * arg.c * 4)], arg.name);`;

/** A file of the given bytes. */
const BYTES = `return new File([new Uint8Array(arg.bytes)], arg.name);`;

const lastError = (page: Page) => page.locator('[data-testid^="message-"][data-level="error"]').last();

test.describe('hostile files in a tab with trained tokens', () => {
  test.describe.configure({ mode: 'serial' });
  let page: Page;
  let before: Awaited<ReturnType<typeof inUse>>;

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    await pageWithTrainedTokens(page);
    before = await inUse(page);
    console.log(`[hostile.spec] in use: T×C ${before.tokens.tokens.shape.join('×')}, worker ${before.memory.numTensors} tensors / ${before.memory.numBytes} bytes`);
  });

  test.afterAll(async () => {
    await page.close();
  });

  /** Same tokens (bit for bit), same tensors and bytes in the worker, same Setup and history; the worker still answers. */
  async function unchanged(): Promise<void> {
    const now = await inUse(page);
    expect(now.tokens).toEqual(before.tokens);
    expect(now.memory).toEqual(before.memory);
    expect(now.page).toEqual(before.page);
    // The worker goes on: it draws the masks of the same tokens.
    const snap = await page.evaluate(async () => (await window.maskd.engine().snapshotMasks()).numTokens);
    expect(snap).toBe(before.tokens.tokens.shape[0]);
    await expect(page.getByTestId('run-learn-masks')).toBeEnabled();
  }

  test('the Tokens T field takes 1–64, the same limit every token reader applies', async () => {
    await expect(page.getByTestId('mask-tokens')).toHaveAttribute('min', '1');
    await expect(page.getByTestId('mask-tokens')).toHaveAttribute('max', '64');
  });

  test('mask_token [100000, 64] with its 25.6 MB of data: refused by T from the header', async () => {
    await dropInPage(page, SAFETENSORS_F32, { name: 'wide-tokens.safetensors', t: 100_000, c: 64 });
    await expect(lastError(page)).toContainText(
      'Could not import wide-tokens.safetensors: token import: "mask_token" is [100000,64]: T = 100 000 tokens, over the 64 tokens limit on receptive tokens T',
    );
    await expect(lastError(page)).toContainText('The tokens in use are unchanged.');
    await unchanged();
  });

  test('an F64 token file holding 1e300: refused as beyond float32, not turned into Infinity', async () => {
    const header = JSON.stringify({ mask_token: { dtype: 'F64', shape: [2, 64], data_offsets: [0, 2 * 64 * 8] } });
    const values = new Float64Array(128).fill(0.01);
    values[5] = 1e300;
    const head = Buffer.from(header);
    const bytes = Buffer.concat([Buffer.from(new BigUint64Array([BigInt(head.length)]).buffer), head, Buffer.from(values.buffer)]);
    await dropInPage(page, BYTES, { name: 'f64-tokens.safetensors', bytes: [...bytes] });
    await expect(lastError(page)).toContainText(`Could not import f64-tokens.safetensors: token import: "mask_token" holds 1e+300 (value 5), beyond float32's range (±3.4e38)`);
    await unchanged();
  });

  test('a 65 MiB run file and a 65 MiB token file: refused from File.size, never read', async () => {
    await dropInPage(page, HUGE_FILE, { name: 'huge-run.json', type: 'application/json', size: 65 * 2 ** 20 });
    await expect(lastError(page)).toHaveText(
      /Could not open huge-run\.json: 68\.16 MB is over the 64 MiB limit on bytes of a run file, checked from the file size before it is read; it was not read\. Nothing was changed\./,
    );
    expect(await page.evaluate(() => (window as unknown as { __reads: number }).__reads)).toBe(0);
    await dropInPage(page, HUGE_FILE, { name: 'huge.safetensors', type: 'application/octet-stream', size: 65 * 2 ** 20 });
    await expect(lastError(page)).toContainText('Could not import huge.safetensors: 68.16 MB is over the 64 MiB limit on bytes of a .safetensors token file');
    expect(await page.evaluate(() => (window as unknown as { __reads: number }).__reads)).toBe(0);
    await unchanged();
  });

  test('a run file that fails half-way (the detection demo is built, then its 32-wide tokens do not fit): nothing changed, its tensors released', async () => {
    const config = { task: 'detection' as const, seed: 777, mask: { ...defaultMaskSettings('detection'), steps: 9 }, distill: defaultDistillSettings('detection'), compareMethods: [] };
    const text = buildRunFile(
      {
        config,
        tokens: { tokens: { name: 'mask_token', shape: [2, 32], data: Array.from({ length: 64 }, (_, i) => i / 100) } },
        losses: { 'masks:-:total': { key: 'masks:-:total', stage: 'masks', method: null, term: 'total', points: [{ x: 1, y: 0.5 }] } },
        metrics: {},
      },
      '2026-12-01T00:00:00.000Z',
    );
    const t0 = Date.now();
    // Half-way: the worker really fetches and builds the detection teacher before the tokens are refused.
    const fetched = page.waitForRequest(/\/models\/detection-teacher\/weights\.bin$/, { timeout: 60_000 });
    await dropInPage(page, BYTES, { name: 'half-way-run.json', bytes: [...Buffer.from(text)] });
    await fetched;
    await expect(lastError(page)).toContainText(
      "Could not open half-way-run.json: these tokens are C = 32 wide but the detection teacher's feature at the tap layer has 64 channels; they belong to another teacher. Nothing was changed",
      { timeout: 60_000 },
    );
    console.log(`[hostile.spec] half-way run file refused after ${Date.now() - t0} ms`);
    await expect(page.getByTestId('setup-task')).toHaveValue('segmentation');
    await expect(page.getByTestId('seed-input')).not.toHaveValue('777');
    await unchanged();
  });
});

test.describe('share links pasted into the address bar of a tab with trained tokens', () => {
  const T = 3;
  const values = Float32Array.from({ length: T * 64 }, (_, i) => Math.sin(i) * 0.4);
  const enc = encodeLink({
    v: 1,
    task: 'segmentation',
    models: { teacher: { kind: 'builtin', id: 'segmentation-teacher' }, student: { kind: 'builtin', id: 'segmentation-student' } },
    seed: 5,
    hyper: {},
    tokens: { numTokens: T, channels: 64, data: values },
    previews: [11, 12],
  });
  if (!enc.ok) throw new Error(enc.error);
  const hash = enc.hash;
  const decoded = decodeLink(hash);
  if (!decoded.ok) throw new Error(decoded.error);

  /** Pastes `h` over the current address (a same-document fragment change, as the address bar makes). */
  const paste = (page: Page, h: string) => page.evaluate((h) => (location.hash = h), h);
  /** A marker that only a reload clears. */
  const marked = (page: Page) => page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);

  test('an invalid link never reloads: the refusal is shown, the address put back, the tokens unchanged', async ({ page }) => {
    await pageWithTrainedTokens(page);
    const before = await inUse(page);
    const url = page.url();
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await paste(page, `${hash.slice(0, 40)}${hash[40] === 'A' ? 'B' : 'A'}${hash.slice(41)}`);
    await expect(lastError(page)).toContainText('This share link cannot be opened');
    await expect(lastError(page)).toContainText('The page was not reloaded: everything in it is as it was.');
    await expect(page.getByTestId('link-dialog')).toHaveCount(0);
    expect(page.url()).toBe(url);
    expect(await marked(page)).toBe(true);
    expect(await inUse(page)).toEqual(before);
  });

  test('a valid link asks first; Keep my work keeps everything bit for bit; Open replaces the tokens with the link’s', async ({ page }) => {
    await pageWithTrainedTokens(page);
    const before = await inUse(page);
    const url = page.url();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.accept();
    });
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await paste(page, hash);
    const dialog = page.getByRole('dialog', { name: 'Open the shared masks?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Your current work will be replaced: trained or imported tokens, results not exported.');
    // The safe choice has the focus.
    await expect(page.getByTestId('link-keep')).toBeFocused();
    await page.getByTestId('link-keep').click();
    await expect(dialog).toHaveCount(0);
    expect(page.url()).toBe(url);
    expect(await marked(page)).toBe(true);
    expect(await inUse(page)).toEqual(before);

    // Escape keeps too.
    await paste(page, hash);
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    expect(page.url()).toBe(url);
    expect(await inUse(page)).toEqual(before);

    // Open: the page reloads at the link (no beforeunload question: the user already answered one).
    await paste(page, hash);
    await expect(dialog).toBeVisible();
    await Promise.all([page.waitForEvent('load'), page.getByTestId('link-open').click()]);
    expect(await marked(page)).toBe(false);
    expect(dialogs).toEqual([]);
    await expect(page.getByTestId('shared-banner')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
    const shared = await engineTokens(page);
    expect(shared.tokens.shape).toEqual([T, 64]);
    expect(shared.tokens.data).toEqual([...decoded.state.tokens.data]);
    expect(shared.tokens.data).not.toEqual(before.tokens.tokens.data);
  });
});

test('a reload with unexported results: the browser asks first (beforeunload), then the page offers the kept results and restores them exactly', async ({ page }) => {
  await pageWithTrainedTokens(page);
  const before = await inUse(page);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  await page.reload();
  expect(dialogs).toEqual(['beforeunload']);
  const banner = page.getByTestId('last-results-banner');
  await expect(banner).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('last-results-what')).toHaveText('segmentation, mask learning to step 2');
  await expect(page.getByTestId('last-results-restore')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('last-results-restore').click();
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId('messages')).toContainText('Restored the run from the last results');
  const after = await inUse(page);
  expect(after.tokens).toEqual(before.tokens);
  expect(after.page.losses).toEqual(before.page.losses);
  expect(after.page.mask).toEqual(before.page.mask);
});
