// A dataset load shows its progress and can be cancelled, on the real client and dispatcher over
// the stub session (whose parse is the real one): while the page reads the files, while the
// worker decodes them, and when the cancel reaches the worker before the load does. A cancelled
// load keeps the dataset loaded before and says so.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeDatasetFixtures } from '../../scripts/make-dataset-fixtures.mjs';
import { pngDecoder } from '../data/custom/png';
import type { DatasetLoadProgress } from '../engine/datasets';
import { connectEngine, currentEngine, startApp } from './actions';
import { cancelDatasetLoad, chooseTaskOption, loadDatasetFiles, type PickedFile } from './datasetActions';
import { useAppStore } from './store';
import { stubEngineHost, type StubSession } from './testing/stubEngineHost';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();
const sets = makeDatasetFixtures();
const picked = (name: string): PickedFile[] => sets[name].files.map((f) => ({ path: f.path, file: new Blob([f.data]) }));

let engines: StubSession[];

beforeEach(async () => {
  useAppStore.setState(initial, true);
  const fh = stubEngineHost();
  engines = fh.engines;
  connectEngine(fh.host);
  await startApp();
  await chooseTaskOption('custom');
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('dataset load: progress and Cancel', () => {
  it('shows reading, then decoding progress, and clears it when loaded', async () => {
    const seen: DatasetLoadProgress[] = [];
    const unsubscribe = useAppStore.subscribe((st) => {
      if (st.datasetProgress && st.datasetProgress !== seen.at(-1)) seen.push(st.datasetProgress);
    });
    await loadDatasetFiles(picked('seg-valid'));
    unsubscribe();
    expect(s().dataset).toMatchObject({ task: 'segmentation' });
    expect(seen.map((p) => p.phase)).toContain('reading');
    expect(seen.at(-1)).toEqual({ phase: 'decoding', done: 10, total: 10 });
    expect(s().datasetProgress).toBeNull();
  });

  it('Cancel while the page reads the files: nothing reaches the worker, the loaded dataset stays', async () => {
    await loadDatasetFiles(picked('seg-valid'));
    const loaded = s().dataset;
    const loads = engines[0].calls.filter((c) => c.startsWith('loadDataset')).length;
    const load = loadDatasetFiles(picked('det-valid'));
    await cancelDatasetLoad();
    await load;
    expect(engines[0].calls.filter((c) => c.startsWith('loadDataset'))).toHaveLength(loads);
    expect(s().dataset).toBe(loaded);
    expect(s().datasetLoading).toBe(false);
    expect(s().messages.at(-1)).toMatchObject({ level: 'info', text: 'Dataset load cancelled. The dataset loaded before is still the one in use.' });
  });

  it('Cancel while the worker decodes: it stops after the image it decodes', async () => {
    const original = pngDecoder.decode;
    let decodes = 0;
    vi.spyOn(pngDecoder, 'decode').mockImplementation((bytes) => {
      // Pressed while the third of ten images (and its label) decodes.
      if (++decodes === 5) void cancelDatasetLoad();
      return original(bytes);
    });
    await loadDatasetFiles(picked('seg-valid'));
    expect(decodes).toBeLessThan(8);
    expect(s().dataset).toBeNull();
    expect(s().messages.at(-1)).toMatchObject({ level: 'info', text: 'Dataset load cancelled. No dataset is loaded.' });
    // The next load is not affected by the cancelled one.
    vi.restoreAllMocks();
    await loadDatasetFiles(picked('seg-valid'));
    expect(s().dataset).toMatchObject({ task: 'segmentation' });
  });

  it('a cancel that reaches the worker before its load still stops that load', async () => {
    await currentEngine().cancelDatasetLoad(7);
    await expect(currentEngine().loadDataset(sets['seg-valid'].files.map((f) => ({ path: f.path, data: new Uint8Array(f.data).slice().buffer as ArrayBuffer })), { loadId: 7 })).rejects.toThrow(/the load was cancelled/);
    await expect(currentEngine().loadDataset(sets['seg-valid'].files.map((f) => ({ path: f.path, data: new Uint8Array(f.data).slice().buffer as ArrayBuffer })), { loadId: 8 })).resolves.toMatchObject({ task: 'segmentation' });
  });
});
