import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { connectEngine, startApp } from './actions';
import { abortModelFetch, chooseTap, loadFromUrl, loadPicked, setTeacherInput } from './byoActions';
import type { EngineWarning } from '../engine/warnings';
import { useAppStore } from './store';
import { stubEngineHost, type StubSession } from './testing/stubEngineHost';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();
let engines: StubSession[];

/** A FileList stand-in: File objects with a folder path. */
function picked(folder: string, ...names: string[]): FileList {
  const files = names.map((n) => {
    const f = new File([new Uint8Array(4)], n);
    Object.defineProperty(f, 'webkitRelativePath', { value: `${folder}/${n}` });
    return f;
  });
  return files as unknown as FileList;
}

beforeEach(async () => {
  useAppStore.setState(initial, true);
  const fh = stubEngineHost();
  engines = fh.engines;
  connectEngine(fh.host);
  await startApp();
});

it('a picked teacher replaces the card and shows its layers; a broken one leaves it and says why', async () => {
  expect(await loadPicked(picked('my-teacher', 'model.json', 'group1-shard1of1.bin'), 'teacher')).toBe(true);
  expect(engines[0].calls).toContain('loadModels:teacher=my-teacher');
  expect(s().teacher?.source).toBe('my-teacher · 0000abcd');
  expect(s().byo.teacher?.info.layers.map((l) => l.name)).toEqual(['feat', 'flat']);
  expect(s().byoAlign).toBe('1×1 conv 32→64');

  expect(await loadPicked(picked('broken-x', 'model.json'), 'teacher')).toBe(false);
  expect(s().teacher?.source).toBe('my-teacher · 0000abcd');
  const msg = s().messages.at(-1);
  expect(msg).toMatchObject({ level: 'error', kind: 'model-file' });
  expect(msg?.text).toBe('Could not load the teacher: broken-x/model.json: is not JSON');
  expect(msg?.hint).toMatch(/loaded before are unchanged/);
  expect(s().byoBusy).toBeNull();
});

it('tap changes go to the engine; a refused tap keeps the old one', async () => {
  await loadPicked(picked('t', 'model.json'), 'teacher');
  expect(await chooseTap('teacher', 'flat')).toBe(false);
  expect(s().teacher?.tapLayer).toBe('feat');
  expect(s().messages.at(-1)?.text).toMatch(/^Could not use layer "flat" as the teacher's tap: .*cannot be the tap/);
  expect(await chooseTap('teacher', 'feat2')).toBe(true);
  expect(s().teacher?.tapLayer).toBe('feat2');
});

it('every warning of a models reply is shown with its kind: a new teacher tap that dropped the tokens says so', async () => {
  await loadPicked(picked('t', 'model.json'), 'teacher');
  const engine = engines[0];
  const setTap = engine.setTap.bind(engine);
  // As the real engine answers when the teacher had tokens (src/train/userModels.ts retapDemo).
  const dropped: EngineWarning = { kind: 'tokens-dropped', text: 'the teacher tap changed: its receptive tokens were dropped; run Learn masks' };
  engine.setTap = async (role, layer) => ({ ...(await setTap(role, layer)), warnings: [dropped] });
  expect(await chooseTap('teacher', 'feat2')).toBe(true);
  expect(s().messages.at(-1)).toMatchObject({ level: 'info', kind: 'tokens-dropped', text: dropped.text, hint: expect.stringMatching(/Learn masks/) });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

it('model files over a limit are refused from File.size: nothing is read, the engine is not called', async () => {
  const list = picked('big', 'model.json', 'group1-shard1of1.bin');
  const shard = (list as unknown as File[])[1];
  Object.defineProperty(shard, 'size', { value: 2 ** 31 + 33 * 2 ** 20 });
  let reads = 0;
  shard.arrayBuffer = () => {
    reads++;
    return Promise.resolve(new ArrayBuffer(4));
  };
  const calls = engines[0].calls.length;
  expect(await loadPicked(list, 'teacher')).toBe(false);
  expect(reads).toBe(0);
  expect(engines[0].calls.length).toBe(calls);
  expect(s().messages.at(-1)?.text).toMatch(/^Could not load the teacher: \(dropped files\): 2\.18 GB in all, over the 2 GiB limit on bytes of all of a model’s weights/);
});

it('a model URL whose manifest names a shard on another host is refused before that shard is fetched', async () => {
  const fetched: string[] = [];
  const manifest = { modelTopology: { node: [] }, format: 'graph-model', weightsManifest: [{ paths: ['https://evil.example/w.bin'], weights: [{ name: 'w', shape: [1], dtype: 'float32' }] }] };
  vi.stubGlobal('fetch', (url: string) => {
    fetched.push(url);
    return Promise.resolve(new Response(JSON.stringify(manifest), { status: 200 }));
  });
  expect(await loadFromUrl('https://models.example/m/model.json', 'teacher')).toBe(false);
  expect(fetched).toEqual(['https://models.example/m/model.json']);
  expect(s().messages.at(-1)?.text).toMatch(/^Could not load the teacher: https:\/\/models\.example\/m\/model\.json: lists the shard "https:\/\/evil\.example\/w\.bin", which is not a path relative to model\.json/);
  expect(s().byoFetch).toBeNull();
  expect(s().byoBusy).toBeNull();
});

it('Abort stops a model URL fetch that does not answer', async () => {
  vi.stubGlobal('fetch', (_url: string, init: RequestInit) => new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))));
  const load = loadFromUrl('https://models.example/slow/model.json', 'teacher');
  await vi.waitFor(() => expect(s().byoFetch).not.toBeNull());
  abortModelFetch();
  expect(await load).toBe(false);
  expect(s().messages.at(-1)?.text).toMatch(/model\.json: could not be fetched: the load was aborted/);
  expect(s().byoFetch).toBeNull();
});

it('the teacher input range goes to the engine, which loads the teacher again', async () => {
  await loadPicked(picked('t', 'seg.json', 'seg.bin'), 'teacher');
  expect(await setTeacherInput({ range: '0-255', layout: 'NHWC' })).toBe(true);
  expect(engines[0].calls).toContain('setTeacherInput:0-255:NHWC');
});
