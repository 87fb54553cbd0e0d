import { beforeEach, expect, it } from 'vitest';
import { connectEngine, startApp } from './actions';
import { chooseTap, loadPicked } from './byoActions';
import { useAppStore } from './store';
import { fakeHost, type FakeEngine } from './testing/fakeEngine';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();
let engines: FakeEngine[];

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
  const fh = fakeHost();
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
