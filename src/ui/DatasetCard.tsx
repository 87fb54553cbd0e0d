import { useState, type DragEvent } from 'react';
import type { ModelCard } from '../engine/models';
import type { RunProgress } from '../engine/progress';
import { cancelDatasetLoad, loadDatasetFiles, trainDatasetTeacher } from '../state/datasetActions';
import { useAppStore } from '../state/store';
import { pickedFromDrop, pickedFromList } from './droppedFiles';
import { DatasetLoadStatus } from './DatasetLoadStatus';
import { DatasetSummaryView } from './DatasetSummaryView';
import { NumberField } from './NumberField';

/** The line under “Train teacher”: the run's progress, or which teacher the dataset runs with. */
function teacherStatus(training: boolean, progress: RunProgress | null, datasetTeacher: ModelCard | null, labelled = true): string {
  if (training && progress) {
    const metric = progress.metric ? ` · ${progress.metric.name} ${progress.metric.value.toFixed(3)}` : '';
    return `Training: step ${progress.step} / ${progress.total} · loss ${progress.losses.total.toFixed(4)}${metric}`;
  }
  if (training) return 'Training: starting…';
  if (!labelled) return 'Images only: there are no labels to train a teacher on. Load your own teacher (Your models) to use it label-free on these images.';
  if (datasetTeacher && !datasetTeacher.source.startsWith('dataset:')) {
    return 'Your models run on this dataset: learn masks and distill with the run bar, or train a teacher here instead.';
  }
  if (datasetTeacher) {
    const metric = datasetTeacher.metric ? ` (${datasetTeacher.metric.name} ${datasetTeacher.metric.value.toFixed(3)})` : '';
    return `The teacher was trained on this dataset${metric}: learn masks and distill with the run bar.`;
  }
  return 'A fresh teacher is trained on the training split, then used for mask learning and distillation. Pause and Stop in the run bar apply.';
}

/** The Setup card of the custom data source: drop zone, folder dialog, summary, teacher training. */
export function DatasetCard() {
  const mode = useAppStore((s) => s.dataMode);
  const dataset = useAppStore((s) => s.dataset);
  const loading = useAppStore((s) => s.datasetLoading);
  const loadProgress = useAppStore((s) => s.datasetProgress);
  const cancelling = useAppStore((s) => s.datasetCancelling);
  const runPhase = useAppStore((s) => s.runPhase);
  const runKind = useAppStore((s) => s.runKind);
  const backendReady = useAppStore((s) => s.backendPhase === 'ready');
  const teacher = useAppStore((s) => s.teacherSettings);
  const setTeacher = useAppStore((s) => s.setTeacherSettings);
  const settings = useAppStore((s) => s.datasetSettings);
  const setSettings = useAppStore((s) => s.setDatasetSettings);
  const customTeacher = useAppStore((s) => s.customTeacher);
  const teacherCard = useAppStore((s) => s.teacher);
  // The last teacher-training progress stays readable after the run ends.
  const progress = useAppStore((s) => (s.progress?.stage === 'teacher' ? s.progress : null));
  const [over, setOver] = useState(false);
  if (mode !== 'custom') return null;
  const idle = runPhase === 'idle';
  const training = runKind === 'teacher' && !idle;

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    void pickedFromDrop(e.dataTransfer).then(loadDatasetFiles);
  };

  return (
    <section className="dataset-card" data-testid="dataset-card" aria-labelledby="dataset-title">
      <h3 id="dataset-title">Custom dataset</h3>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        data-testid="dataset-drop"
        role="region"
        aria-label="Dataset drop zone"
        aria-busy={loading}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>
          Drop a dataset folder here: images with a <code>labels/</code> folder of class-id PNGs (segmentation), images with one boxes JSON
          (detection), or images alone (no labels: for a teacher’s own outputs).
        </p>
        <label className="file-button">
          Choose folder…
          <input
            type="file"
            className="sr-only"
            multiple
            data-testid="dataset-input"
            aria-label="Choose a dataset folder"
            disabled={loading || !idle}
            {...{ webkitdirectory: '' }}
            onChange={(e) => {
              const files = e.currentTarget.files;
              if (files) void loadDatasetFiles(pickedFromList(files));
              e.currentTarget.value = '';
            }}
          />
        </label>
        {loading && <DatasetLoadStatus progress={loadProgress} cancelling={cancelling} onCancel={() => void cancelDatasetLoad()} />}
      </div>
      <div className="field-inline">
        <NumberField id="dataset-input-size" label="Input size (px)" value={settings.inputSize} integer min={8} max={512} step={4}
          onCommit={(v) => setSettings({ inputSize: v })} help="Images are resized to this square; applies to the next load." />
        <NumberField id="dataset-val-fraction" label="Validation share" value={settings.valFraction} min={0.01} max={0.9}
          onCommit={(v) => setSettings({ valFraction: v })} help="Held out, seeded by the seed below." />
      </div>
      {dataset ? <DatasetSummaryView summary={dataset} /> : <p className="muted" data-testid="dataset-empty">No dataset loaded yet.</p>}
      <fieldset className="settings" disabled={!dataset}>
        <legend>Teacher on this dataset</legend>
        <div className="field-inline">
          <NumberField id="dataset-teacher-steps" label="Steps" value={teacher.steps} integer min={1} max={100000} onCommit={(v) => setTeacher({ steps: v })} />
          <NumberField id="dataset-teacher-batch" label="Batch" value={teacher.batchSize} integer min={1} max={256} onCommit={(v) => setTeacher({ batchSize: v })} />
          <NumberField id="dataset-teacher-lr" label="Learning rate" value={teacher.lr} min={1e-6} max={1} onCommit={(v) => setTeacher({ lr: v })} />
        </div>
        <button type="button" data-testid="dataset-train-teacher" disabled={!dataset || !dataset.labelled || !idle || loading || !backendReady}
          title={dataset && !dataset.labelled ? 'The dataset has no labels to train a teacher on: load your own teacher' : undefined}
          onClick={() => void trainDatasetTeacher()}>
          Train teacher
        </button>
        <p className="field-help" aria-live="polite" data-testid="dataset-teacher-status" data-step={progress?.step ?? 0}
          data-loss={progress ? progress.losses.total : ''} data-tensors={progress?.numTensors ?? ''}>
          {teacherStatus(training, progress, customTeacher ? teacherCard : null, dataset?.labelled ?? true)}
        </p>
      </fieldset>
    </section>
  );
}
