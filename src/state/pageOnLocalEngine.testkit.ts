// The page's store on the real engine in this process (localEngine, wasm), as the state tests of
// the exports and of the way back from PyTorch set it up: exports are kept in `saved`, the clock is
// fixed, and `start()` opens the demo as the page does; `loadUserPairOnSegValid()` puts the user's
// layers pair on a dropped dataset in its place.
import { afterAll, expect } from 'vitest';
import { makeDatasetFixtures } from '../../scripts/make-dataset-fixtures.mjs';
import { fixture } from '../byo/fixtures.testkit';
import { localEngine } from '../train/localEngine';
import { connectEngine, startApp } from './actions';
import { loadDropped } from './byoActions';
import { chooseTaskOption, loadDatasetFiles } from './datasetActions';
import { setExportEnv } from './exportActions';
import { useAppStore } from './store';

export interface SavedExport {
  readonly name: string;
  readonly data: Uint8Array | string;
  readonly mime: string;
}

/** An engine for this test file (terminated after it), the exports it saves, and the page's start on it. */
export function pageOnLocalEngine(now: string) {
  const engine = localEngine();
  const saved: SavedExport[] = [];
  afterAll(() => engine.terminate());
  const start = async () => {
    connectEngine({ get: () => engine, reset: () => {}, dataUrl: '' });
    setExportEnv({ save: (name, data, mime) => saved.push({ name, data, mime }), png: async () => new Uint8Array(4), now: () => new Date(now) });
    useAppStore.setState({ backendChoice: 'wasm' });
    await startApp();
    expect(useAppStore.getState().demoPhase).toBe('ready');
  };
  return { engine, saved, start };
}

/** A drop of a fixture model's files on a card, as the page's DataTransfer gives them. */
export async function dropFixture(name: string): Promise<DataTransfer> {
  const files = (await fixture(name)).map((f) => new File([f.data], f.name.slice(f.name.indexOf('/') + 1)));
  return { items: [], files } as unknown as DataTransfer;
}

/** Custom dataset seg-valid (3 classes, 8 + 2 images) at 32×32, with the 3-class layers teacher and student dropped on their cards. */
export async function loadUserPairOnSegValid(): Promise<void> {
  await chooseTaskOption('custom');
  useAppStore.getState().setDatasetSettings({ inputSize: 32 });
  await loadDatasetFiles(makeDatasetFixtures()['seg-valid'].files.map((f) => ({ path: f.path, file: new Blob([f.data]) })));
  expect(useAppStore.getState().dataset).toMatchObject({ task: 'segmentation', numClasses: 3, train: 8, val: 2 });
  expect(await loadDropped(await dropFixture('teacher-3class-32'), 'teacher')).toBe(true);
  expect(await loadDropped(await dropFixture('student-3class-32'), 'student')).toBe(true);
}
