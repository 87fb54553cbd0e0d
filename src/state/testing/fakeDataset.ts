// The stub session's dataset side: the real parser and summary (pure, Node-safe), and a teacher
// "training" that only reports progress.
import { parseDataset } from '../../data/custom/parse';
import { datasetSummary } from '../../train/datasetSummary';
import type { DatasetFileData, DatasetLoadProgress, DatasetSummary, LoadDatasetOptions } from '../../engine/datasets';
import type { ModelCard } from '../../engine/models';
import type { RunProgress } from '../../engine/progress';
import type { TrainTeacherRequest } from '../../engine/runConfigs';
import type { TeacherResult } from '../../engine/runResults';

export interface FakeDatasetState {
  summary: DatasetSummary | null;
}

export async function fakeLoadDataset(
  state: FakeDatasetState,
  files: readonly DatasetFileData[],
  options: LoadDatasetOptions,
  signal?: AbortSignal,
  onProgress?: (progress: DatasetLoadProgress) => void,
): Promise<DatasetSummary> {
  state.summary = datasetSummary(await parseDataset(files, { ...options, signal, onProgress }), files.length);
  return state.summary;
}

export async function fakeTrainTeacher(
  state: FakeDatasetState,
  req: TrainTeacherRequest,
  onProgress: ((p: RunProgress) => void) | undefined,
  stopped: () => boolean,
  gate: () => Promise<void>,
): Promise<TeacherResult> {
  const d = state.summary;
  if (req.source === 'custom' && !d) throw new Error('no dataset is loaded: drop a dataset folder first');
  let step = 0;
  while (step < req.steps) {
    await new Promise((r) => setTimeout(r, 0));
    await gate();
    if (stopped()) break;
    step++;
    onProgress?.({
      runId: 1,
      stage: 'teacher',
      step,
      total: req.steps,
      losses: { task: 2 / step, total: 2 / step },
      msPerStep: 10,
      etaMs: (req.steps - step) * 10,
      numTensors: 42,
      metric: step === req.steps ? { name: 'mIoU', value: 0.3 } : undefined,
    });
  }
  const s = d?.inputSize ?? 64;
  const card = (role: ModelCard['role']): ModelCard => ({
    role,
    source: role === 'teacher' ? `dataset:${d?.task ?? req.task}-teacher` : `fresh:${d?.task ?? req.task}-student`,
    params: 1000,
    flops: 1e6,
    tapLayer: 'neck',
    featureShape: [s / 4, s / 4, role === 'teacher' ? 64 : 32],
    inputShape: [s, s, 3],
  });
  return {
    artifacts: { modelTopology: {}, weightSpecs: [], weightData: new ArrayBuffer(0) },
    optimizer: [],
    step,
    metric: 0.3,
    stopped: step < req.steps,
    loaded: req.source === 'custom' ? { teacher: card('teacher'), student: card('student'), tokens: null, warnings: [], snapshot: null } : undefined,
  };
}
