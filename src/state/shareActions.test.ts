import { beforeEach, describe, expect, it } from 'vitest';
import { encodeLink } from '../share/linkCodec';
import { readSafetensors } from '../share/safetensors';
import { buildTokenExport } from '../share/tokenExport';
import { parseHistoryCsv, parseHistoryJson } from '../share/history';
import { parseRunFile } from '../share/runFile';
import { readStudentZip } from '../share/tfjsExport';
import { connectEngine, learnMasks } from './actions';
import { exportGalleryPng, exportHistory, exportRun, exportStudentModel, exportTokensSafetensors, exportTokensSidecar, importTokensFile, openFile, pickedFile, setExportEnv } from './exportActions';
import { continueFromShared, shareCurrent, startFromHash, type ShareEnv } from './shareActions';
import { useAppStore } from './store';
import { stubEngineHost, type StubSession } from './testing/stubEngineHost';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();

let engines: StubSession[];
let clipboard: 'ok' | 'refuse';
let copied: string[];
let hashCleared: number;
let saved: { name: string; data: Uint8Array | string; mime: string }[];

const env: ShareEnv = {
  pageUrl: () => 'http://127.0.0.1:4174/',
  writeClipboard: async (text) => {
    if (clipboard === 'refuse') throw new Error('NotAllowedError');
    copied.push(text);
  },
  clearHash: () => {
    hashCleared++;
  },
};

beforeEach(() => {
  useAppStore.setState(initial, true);
  const fh = stubEngineHost();
  engines = fh.engines;
  connectEngine(fh.host);
  clipboard = 'ok';
  copied = [];
  hashCleared = 0;
  saved = [];
  setExportEnv({ save: (name, data, mime) => saved.push({ name, data, mime }), png: async () => new Uint8Array([137, 80, 78, 71]), now: () => new Date('2026-11-29T12:00:00Z') });
});

/** Opens the normal page (no link) and waits for its masks. */
async function openPage(): Promise<void> {
  await startFromHash('', env);
  expect(s().demoPhase).toBe('ready');
}

async function makeLink(): Promise<string> {
  await openPage();
  s().setSeed(777);
  await shareCurrent(env);
  const o = s().shareOutcome;
  if (!o?.ok) throw new Error(o ? o.error : 'no outcome');
  return o.url;
}

describe('Share', () => {
  it('copies a link with its size and bound; a refused clipboard leaves the link to copy by hand', async () => {
    const url = await makeLink();
    expect(url.startsWith('http://127.0.0.1:4174/#mkd1.')).toBe(true);
    expect(copied).toEqual([url]);
    const o = s().shareOutcome;
    expect(o).toMatchObject({ ok: true, clipboard: 'copied', tokenBits: 16, chars: url.length - 'http://127.0.0.1:4174/'.length });
    if (!o?.ok) throw new Error();
    expect(o.tokenBound).toBeGreaterThan(0);
    expect(o.tokenBound).toBeLessThan(1e-5);
    // The fake teacher's branch (absent) and 4 previews fit: nothing given up.
    expect(o.notes).toEqual([]);

    clipboard = 'refuse';
    await shareCurrent(env);
    expect(s().shareOutcome).toMatchObject({ ok: true, clipboard: 'refused', url });
  });

  it('says what it gave up to fit, and says so when even that does not fit', async () => {
    await openPage();
    let x = 12345;
    const noise = (n: number) => Array.from({ length: n }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1);
    const C = 64;
    const T = 4;
    engines[0].tokensFile = {
      version: 1,
      task: 'segmentation',
      tokens: { name: 'mask_token', shape: [T, C], data: noise(T * C) },
      branch: {
        'prob.0.weight': { shape: [3, 3, C, C], data: noise(9 * C * C) },
        'prob.0.bias': { shape: [C], data: noise(C) },
        'prob.2.weight': { shape: [1, 1, C, T], data: noise(C * T) },
        'prob.2.bias': { shape: [T], data: noise(T) },
      },
    };
    await shareCurrent(env);
    expect(s().shareOutcome).toMatchObject({ ok: true, notes: ['the token-weight branch was left out'], tokenBits: 16 });

    // 64 × 2048 incompressible tokens: 128 KB even at 8 bits.
    engines[0].tokensFile = { version: 1, task: 'segmentation', tokens: { name: 'mask_token', shape: [64, 2048], data: noise(64 * 2048) } };
    await shareCurrent(env);
    expect(s().shareOutcome).toMatchObject({ ok: false, error: expect.stringMatching(/does not fit in a 32 KB link .* Export the tokens as a file instead/) });
    expect(copied.length).toBe(1);
  });

  it('says why when there is nothing to share', async () => {
    await openPage();
    useAppStore.setState({ teacher: { ...s().teacher!, source: 'fresh:segmentation-teacher' } });
    s().clearSnapshots();
    await shareCurrent(env);
    expect(s().shareOutcome).toMatchObject({ ok: false, error: expect.stringMatching(/mask images/) });
  });
});

describe('opening a link', () => {
  it('rebuilds the shared tokens on the shipped teacher, read-only, then continues from there', async () => {
    const url = await makeLink();
    const sharedTokens = engines[0].tokensFile ?? (await engines[0].exportTokens());
    useAppStore.setState(initial, true);
    await startFromHash(url.slice(url.indexOf('#')), env);
    const fresh = engines[engines.length - 1];
    expect(fresh.calls).toContain('setTokens:4x64');
    expect(s().sharedView).toMatchObject({ phase: 'ready', source: 'tokens', tokenBits: 16 });
    expect(s().seed).toBe(777);
    expect(s().snapshots.length).toBe(1);
    expect(s().previewSeeds.length).toBe(4);
    const got = (await fresh.exportTokens()).tokens.data;
    const bound = s().sharedView!.tokenBound;
    expect(Math.max(...got.map((v, i) => Math.abs(v - sharedTokens.tokens.data[i])))).toBeLessThanOrEqual(bound);

    await continueFromShared(env);
    expect(s().sharedView).toBeNull();
    expect(hashCleared).toBe(1);
    expect(s().tokens).toEqual({ numTokens: 4, channels: 64, tokenWeights: false });
  });

  it('a tampered link says so and opens the normal playground', async () => {
    const url = await makeLink();
    const hash = url.slice(url.indexOf('#'));
    useAppStore.setState(initial, true);
    const tampered = hash.slice(0, 20) + (hash[20] === 'A' ? 'B' : 'A') + hash.slice(21);
    await startFromHash(tampered, env);
    expect(s().sharedView).toBeNull();
    expect(hashCleared).toBe(1);
    expect(s().demoPhase).toBe('ready');
    expect(s().messages.map((m) => m.text).join('\n')).toMatch(/This share link cannot be opened: .*normal playground is open/);
  });

  it('a link to a teacher this page does not ship, without images, is refused with a message', async () => {
    const state = {
      v: 1 as const,
      task: 'segmentation' as const,
      models: { teacher: { kind: 'sha256' as const, hex: 'a'.repeat(64) }, student: { kind: 'builtin' as const, id: 'x' } },
      seed: 1,
      hyper: {},
      tokens: { numTokens: 2, channels: 64, data: new Float32Array(128) },
      previews: [1],
    };
    const enc = encodeLink(state);
    if (!enc.ok) throw new Error(enc.error);
    await startFromHash(enc.hash, env);
    expect(s().sharedView).toBeNull();
    expect(s().messages.map((m) => m.text).join('\n')).toMatch(/names a teacher .* does not ship/);
    expect(s().demoPhase).toBe('ready');
  });

  it('a link with embedded masks draws them at once, without the engine', async () => {
    const masks = Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => (i % 10) / 10);
    const enc = encodeLink({
      v: 1,
      task: 'custom',
      models: { teacher: { kind: 'sha256', hex: 'b'.repeat(64) }, student: { kind: 'sha256', hex: 'c'.repeat(64) } },
      seed: 5,
      hyper: {},
      tokens: { numTokens: 3, channels: 8, data: new Float32Array(24) },
      previews: [10, 11],
      masks: { height: 8, width: 8, data: masks },
    });
    if (!enc.ok) throw new Error(enc.error);
    await startFromHash(enc.hash, env);
    expect(engines.length).toBe(0);
    expect(s().sharedView).toMatchObject({ phase: 'ready', source: 'images', maskBound: 1 / 510 });
    const snap = s().snapshots[0];
    expect(snap.numTokens).toBe(3);
    expect(Math.max(...Array.from(snap.masks, (v, i) => Math.abs(v - masks[i])))).toBeLessThanOrEqual(1 / 510 + 1e-7);
  });
});

describe('exports and imports', () => {
  it('each export saves a file with the tokenExport naming pattern that parses', async () => {
    await openPage();
    await learnMasks();
    await exportTokensSafetensors();
    await exportTokensSidecar();
    await exportStudentModel();
    await exportGalleryPng();
    await exportHistory('csv');
    await exportHistory('json');
    await exportRun();
    expect(saved.map((f) => f.name)).toEqual([
      'maskd-tokens-segmentation-T8-C64.safetensors',
      'maskd-tokens-segmentation-T8-C64.json',
      'maskd-student-segmentation-tfjs.zip',
      `maskd-masks-segmentation-step${s().snapshots[s().snapshots.length - 1].step}.png`,
      'maskd-history-segmentation.csv',
      'maskd-history-segmentation.json',
      'maskd-run-segmentation-seed1.json',
    ]);
    const [st, sidecar, zip, , csv, json, run] = saved.map((f) => f.data);
    expect([...readSafetensors(st as Uint8Array).tensors.keys()]).toEqual(['mask_token']);
    expect(JSON.parse(sidecar as string).weights).toBe('maskd-tokens-segmentation-T8-C64.safetensors');
    expect(Object.keys(readStudentZip(zip as Uint8Array))).toContain('student/model.json');
    expect(parseHistoryCsv(csv as string).filter((r) => r.stage === 'masks' && r.term === 'total').length).toBe(s().mask.steps);
    expect(parseHistoryJson(json as string).losses).toEqual(s().losses);
    expect(parseRunFile(run as string).tokens?.tokens.shape).toEqual([8, 64]);
    expect(s().exportBusy).toBeNull();
  });

  it('a run file restores settings, tokens and history on a fresh page', async () => {
    await openPage();
    s().setSeed(4321);
    s().setMask({ lr: 0.03 });
    await learnMasks();
    await exportRun();
    const run = saved[0].data as string;
    const losses = s().losses;

    useAppStore.setState(initial, true);
    await openPage();
    expect(s().losses).toEqual({});
    await openFile(pickedFile(saved[0].name, run));
    expect(s().seed).toBe(4321);
    expect(s().mask.lr).toBe(0.03);
    expect(s().losses).toEqual(losses);
    expect(engines[engines.length - 1].calls).toContain('setTokens:8x64');
    expect(s().messages.at(-1)?.text).toMatch(/Restored the run/);

    await openFile(pickedFile('broken.json', '{"format":"maskd-playground.run","formatVersion":1}'));
    expect(s().messages.at(-1)).toMatchObject({ level: 'error', text: expect.stringMatching(/Could not open broken.json: run file: config must be an object/) });
    expect(s().seed).toBe(4321);
  });

  it('imports tokens from .safetensors, and refuses ones of another width with a clear message', async () => {
    await openPage();
    const make = (t: number, c: number) =>
      buildTokenExport({
        tokens: { name: 'mask_token', shape: [t, c], data: Array.from({ length: t * c }, (_, i) => i / 1000) },
        config: { task: 'segmentation', tapLayer: 'neck', teacher: 'x', hyperParameters: {} },
        provenance: { app: 'test', appVersion: '0', createdAt: '', seed: 1, backend: 'cpu' },
      }).safetensors;
    await importTokensFile(pickedFile('good.safetensors', make(5, 64)));
    expect(s().tokens).toEqual({ numTokens: 5, channels: 64, tokenWeights: false });
    expect(s().mask.numTokens).toBe(5);
    await openFile(pickedFile('narrow.safetensors', make(5, 32)));
    expect(s().messages.at(-1)).toMatchObject({ level: 'error', text: expect.stringMatching(/C = 32 wide but the teacher's feature at the tap layer has 64 channels/) });
    expect(s().tokens?.numTokens).toBe(5);
  });
});
