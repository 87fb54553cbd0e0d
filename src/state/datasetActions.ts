// Actions of the custom-dataset card: choosing the data source, loading dropped files, training a
// teacher on them. Nothing here touches a tensor; the engine parses and trains in the worker.
import type { Task } from '../models/nets';
import type { DatasetFileData, LoadDatasetOptions } from '../engine/datasets';
import type { TrainTeacherRequest } from '../engine/runConfigs';
import { changeTask, currentEngine, loadDemo } from './actions';
import { pushWarnings } from './messages';
import { store } from './store';
import { errorText } from '../errorText';
import { checkDatasetFiles } from '../data/custom/budget';

export type TaskOption = Task | 'custom';

/** A dropped or picked file with its path relative to the dropped folder. */
export interface PickedFile {
  readonly path: string;
  readonly file: Blob;
}

/** The task picker: a digit demo (reloaded if the engine holds a custom teacher) or custom data. */
export async function chooseTaskOption(value: TaskOption): Promise<void> {
  const s = store();
  if (s.runPhase !== 'idle') return;
  if (value === 'custom') {
    s.setDataMode('custom');
    return;
  }
  const hadCustomModels = s.customTeacher;
  s.setDataMode('demo');
  s.setCustomTeacher(false);
  if (value !== s.task) await changeTask(value);
  else if (hadCustomModels) await loadDemo(value);
}

export function datasetOptions(): LoadDatasetOptions {
  const { inputSize, valFraction } = store().datasetSettings;
  return { inputSize, valFraction, seed: store().seed };
}

/** Reads the files and has the engine parse them; a failure names the file and keeps the previous dataset. */
export async function loadDatasetFiles(files: readonly PickedFile[]): Promise<void> {
  const s = store();
  if (s.datasetLoading) return;
  if (s.runPhase !== 'idle') {
    s.pushMessage('A run is in progress: stop it before loading another dataset.', 'warn');
    return;
  }
  if (files.length === 0) {
    s.pushMessage('No files arrived: drop a folder of images with a labels/ folder (segmentation) or with one boxes JSON (detection).', 'warn');
    return;
  }
  const had = s.dataset !== null;
  const keep = had ? ' The dataset loaded before is still the one in use.' : '';
  // Count and bytes first, from File.size: nothing is read when the drop is over a limit.
  try {
    checkDatasetFiles(files.map((f) => ({ path: f.path, size: f.file.size })));
  } catch (err) {
    s.pushMessage(`Could not load the dataset: ${errorText(err)}.${keep}`, 'error');
    return;
  }
  s.datasetLoadStarted();
  const loadId = ++loads;
  try {
    const data = await readFiles(files);
    const summary = await currentEngine().loadDataset(data, { ...datasetOptions(), loadId });
    store().datasetLoaded(summary);
    pushWarnings(store().pushMessage, summary.warnings, 'Dataset: ');
    if (store().customTeacher) {
      store().pushMessage('The models in use run on the previous dataset, and runs still use that one: press “Train teacher” or load your models again to switch to this dataset.', 'info');
    }
  } catch (err) {
    const cancelled = store().datasetCancelling;
    store().datasetLoadFailed();
    if (cancelled) store().pushMessage(`Dataset load cancelled.${keep || ' No dataset is loaded.'}`, 'info');
    else store().pushMessage(`Could not load the dataset: ${errorText(err)}.${keep}`, 'error');
  }
}

/** Numbers the page's dataset loads, so a cancel names the one it means. */
let loads = 0;

/** Thrown by readFiles when Cancel was pressed while the page read the files. */
class ReadCancelled extends Error {}

/** The drop's bytes, one file after another, with progress (at most every 100 ms); stops when Cancel is pressed. */
async function readFiles(files: readonly PickedFile[]): Promise<DatasetFileData[]> {
  const out: DatasetFileData[] = [];
  let last = -Infinity;
  for (const f of files) {
    if (store().datasetCancelling) throw new ReadCancelled('cancelled');
    out.push({ path: f.path, data: await f.file.arrayBuffer() });
    if (performance.now() - last >= 100 || out.length === files.length) {
      last = performance.now();
      store().datasetProgressed({ phase: 'reading', done: out.length, total: files.length });
    }
  }
  if (store().datasetCancelling) throw new ReadCancelled('cancelled');
  return out;
}

/** Cancel of a dataset load: the page stops reading, or the worker stops after the image it decodes. */
export async function cancelDatasetLoad(): Promise<void> {
  if (!store().datasetLoading || store().datasetCancelling) return;
  store().datasetCancelRequested();
  try {
    await currentEngine().cancelDatasetLoad(loads);
  } catch (err) {
    store().pushMessage(`Could not cancel the dataset load: ${errorText(err)}`, 'warn');
  }
}


export function teacherRequest(): TrainTeacherRequest | null {
  const s = store();
  if (!s.dataset) return null;
  const { steps, batchSize, lr } = s.teacherSettings;
  return {
    task: s.dataset.task,
    steps,
    batchSize,
    lr,
    seed: s.seed,
    evalEvery: Math.max(1, Math.min(steps, 25)),
    valCount: s.dataset.val,
    valSeed: 1,
    source: 'custom',
  };
}

/** Trains a fresh teacher on the loaded dataset; it becomes the engine's teacher, with a fresh student. */
export async function trainDatasetTeacher(): Promise<void> {
  const s = store();
  const request = teacherRequest();
  if (s.runPhase !== 'idle' || s.backendPhase !== 'ready' || s.datasetLoading) return;
  if (!request) {
    s.pushMessage('Load a dataset first: drop its folder on the dataset card.', 'warn');
    return;
  }
  s.clearSnapshots();
  s.runStarted('teacher', 'teacher', [null]);
  try {
    const result = await currentEngine().trainTeacher(request, { onProgress: store().progressReceived });
    if (result.loaded) {
      store().demoLoaded(result.loaded);
      store().setCustomTeacher(true);
      pushWarnings(store().pushMessage, result.loaded.warnings);
    }
    const metric = result.loaded?.teacher.metric;
    const how = metric ? ` (validation ${metric.name} ${metric.value.toFixed(3)})` : '';
    store().pushMessage(`Teacher trained on your dataset for ${result.step} steps${how}. Press “Learn masks” next.`, 'info');
  } catch (err) {
    store().pushMessage(`Teacher training failed: ${errorText(err)}`, 'error');
  } finally {
    store().runEnded();
  }
}
