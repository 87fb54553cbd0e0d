import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeDatasetFixtures } from '../../scripts/make-dataset-fixtures.mjs';
import { connectEngine, startApp, stopRun } from './actions';
import { loadPicked } from './byoActions';
import { chooseTaskOption, loadDatasetFiles, trainDatasetTeacher, type PickedFile } from './datasetActions';
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
});

describe('custom dataset actions', () => {
  it('the custom option shows the dataset mode without reloading the demo', async () => {
    await chooseTaskOption('custom');
    expect(s().dataMode).toBe('custom');
    expect(engines[0].calls.filter((c) => c.startsWith('loadDemo'))).toHaveLength(1);
  });

  it('loads a dataset; a broken one says which file and why, and keeps the loaded one', async () => {
    await chooseTaskOption('custom');
    await loadDatasetFiles(picked('seg-valid'));
    expect(s().dataset).toMatchObject({ task: 'segmentation', numClasses: 3, train: 8, val: 2 });
    const loaded = s().dataset;
    await loadDatasetFiles(picked('seg-size-mismatch'));
    expect(s().dataset).toBe(loaded);
    expect(s().datasetLoading).toBe(false);
    const err = s().messages.find((m) => m.level === 'error');
    expect(err?.text).toMatch(/^Could not load the dataset: labels\/img01\.png: is 20×20 but its image images\/img01\.png is 40×40.*still the one in use\.$/);
  });

  it('a drop over a limit is refused from File.size before a byte is read: the message names the file and the limit', async () => {
    await chooseTaskOption('custom');
    await loadDatasetFiles(picked('seg-valid'));
    const loaded = s().dataset;
    const huge = new Blob(['x']);
    let reads = 0;
    Object.defineProperty(huge, 'size', { value: 65 * 2 ** 20 });
    huge.arrayBuffer = () => {
      reads++;
      return Promise.resolve(new ArrayBuffer(1));
    };
    const calls = engines[0].calls.length;
    await loadDatasetFiles([...picked('seg-valid'), { path: 'seg-valid/images/huge.png', file: huge }]);
    expect(reads).toBe(0);
    expect(engines[0].calls.length).toBe(calls);
    expect(s().dataset).toBe(loaded);
    expect(s().datasetLoading).toBe(false);
    expect(s().messages.at(-1)?.text).toMatch(/^Could not load the dataset: seg-valid\/images\/huge\.png: is 68\.16 MB, over the 64 MiB limit on bytes of one dataset file.*it was not read\. The dataset loaded before is still the one in use\.$/);
  });

  it('an empty pick asks for a folder instead of calling the engine', async () => {
    await loadDatasetFiles([]);
    expect(engines[0].calls.some((c) => c.startsWith('loadDataset'))).toBe(false);
    expect(s().messages.at(-1)?.text).toMatch(/No files arrived/);
  });

  it('trains a teacher on the dataset: progress in the run bar, then its cards replace the demo', async () => {
    await chooseTaskOption('custom');
    await trainDatasetTeacher();
    expect(s().messages.at(-1)?.text).toMatch(/Load a dataset first/);
    await loadDatasetFiles(picked('seg-valid'));
    s().setTeacherSettings({ steps: 5 });
    const run = trainDatasetTeacher();
    expect(s().runPhase).toBe('running');
    expect(s().runKind).toBe('teacher');
    await run;
    expect(engines[0].calls).toContain('trainTeacher:custom:5');
    expect(s().progress).toMatchObject({ stage: 'teacher', step: 5, total: 5 });
    expect(s().losses['teacher:-:total'].points).toHaveLength(5);
    expect(s().teacher?.source).toBe('dataset:segmentation-teacher');
    expect(s().customTeacher).toBe(true);
    expect(s().runPhase).toBe('idle');
    await loadDatasetFiles(picked('det-valid'));
    expect(s().messages.at(-1)?.text).toMatch(/run on the previous dataset.*Train teacher.*load your models again/);
    // Back to the digit demo: it is loaded again (the engine's teacher was the custom one).
    await chooseTaskOption('segmentation');
    expect(s().dataMode).toBe('demo');
    expect(s().customTeacher).toBe(false);
    expect(engines[0].calls.filter((c) => c.startsWith('loadDemo'))).toHaveLength(2);
    expect(s().teacher?.source).toBe('builtin:segmentation-teacher');
  });

  it('the demo masks still being drawn when a dataset teacher replaces the demo are dropped, not shown over it', async () => {
    useAppStore.setState(initial, true);
    const fh = stubEngineHost();
    let release = () => {};
    fh.host.get();
    fh.engines[0].snapshotGate = new Promise<void>((r) => (release = r));
    connectEngine(fh.host);
    const booting = startApp();
    // The demo's masks take seconds on a software adapter; the user picks a dataset meanwhile
    // (the engine loads it after the demo: loads take turns) and trains a teacher on it.
    await vi.waitFor(() => expect(fh.engines[0].calls).toContain('loadDemo:segmentation'));
    await chooseTaskOption('custom');
    const loading = loadDatasetFiles(picked('seg-valid'));
    release();
    await loading;
    await trainDatasetTeacher();
    await booting;
    expect(s().teacher?.source).toBe('dataset:segmentation-teacher');
    expect(s().snapshots).toHaveLength(0);
    expect(s().messages.filter((m) => m.level === 'error')).toHaveLength(0);
  });

  it('own models load on the picked dataset; on the digit demo or with no dataset they load on the demo', async () => {
    const teacherFiles = () => {
      const f = new File([new Uint8Array(4)], 'model.json');
      Object.defineProperty(f, 'webkitRelativePath', { value: 'my-teacher/model.json' });
      return [f] as unknown as FileList;
    };
    await chooseTaskOption('custom');
    await loadPicked(teacherFiles(), 'teacher');
    expect(engines[0].calls.at(-1)).toBe('loadModels:teacher=my-teacher');
    expect(s().customTeacher).toBe(false);
    await loadDatasetFiles(picked('seg-valid'));
    await loadPicked(teacherFiles(), 'teacher');
    expect(engines[0].calls.at(-1)).toBe('loadModels:teacher=my-teacher@custom');
    expect(s().customTeacher).toBe(true);
    // Back on a digit demo the engine's models are not the demo's: it is loaded again.
    await chooseTaskOption('segmentation');
    expect(engines[0].calls.filter((c) => c.startsWith('loadDemo'))).toHaveLength(2);
    await loadPicked(teacherFiles(), 'teacher');
    expect(engines[0].calls.at(-1)).toBe('loadModels:teacher=my-teacher');
  });

  it('Stop ends the teacher run early', async () => {
    await loadDatasetFiles(picked('det-valid'));
    s().setTeacherSettings({ steps: 1000 });
    const run = trainDatasetTeacher();
    await new Promise((r) => setTimeout(r, 20));
    stopRun();
    await run;
    expect(s().progress!.step).toBeLessThan(1000);
    expect(s().runPhase).toBe('idle');
  });
});
