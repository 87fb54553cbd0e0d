import { useState } from 'react';
import { abortModelFetch, cancelModelProbe, loadFromUrl, loadPicked } from '../state/byoActions';
import { ProbeStatus } from './ProbeStatus';
import { useAppStore } from '../state/store';
import { userModelOnCard } from '../state/byoSlice';
import type { ModelRole } from '../engine/userModels';
import { TeacherIoView } from './TeacherIoView';
import { UserModelLayers } from './UserModelLayers';
import { usePageDrop } from './usePageDrop';

function PickButtons({ role, disabled }: { role: ModelRole; disabled: boolean }) {
  return (
    <span className="byo-pick">
      <label className={`button-like${disabled ? ' disabled' : ''}`}>
        {role === 'teacher' ? 'Teacher' : 'Student'} files…
        <input
          className="sr-only"
          type="file"
          multiple
          accept=".json,.bin,.onnx,.data,application/json,application/octet-stream"
          data-testid={`byo-files-${role}`}
          aria-label={`Choose the ${role} model files (model.json and .bin shards)`}
          disabled={disabled}
          onChange={(e) => {
            void loadPicked(e.target.files, role);
            e.target.value = '';
          }}
        />
      </label>
      <label className={`button-like${disabled ? ' disabled' : ''}`}>
        folder…
        <input
          className="sr-only"
          type="file"
          {...{ webkitdirectory: '' }}
          data-testid={`byo-folder-${role}`}
          aria-label={`Choose the ${role} model folder`}
          disabled={disabled}
          onChange={(e) => {
            void loadPicked(e.target.files, role);
            e.target.value = '';
          }}
        />
      </label>
    </span>
  );
}

/** Bring your own model: pick, drop or fetch a teacher/student; their layers, taps and fit. */
export function ByoPanel() {
  usePageDrop();
  const [url, setUrl] = useState('');
  const [urlRole, setUrlRole] = useState<ModelRole>('teacher');
  const byo = useAppStore((s) => s.byo);
  const teacher = useAppStore((s) => s.teacher);
  const student = useAppStore((s) => s.student);
  const align = useAppStore((s) => s.byoAlign);
  const size = useAppStore((s) => s.byoInputSize);
  const busy = useAppStore((s) => s.byoBusy);
  const fetching = useAppStore((s) => s.byoFetch !== null);
  const probe = useAppStore((s) => s.byoProbe);
  const labelFree = useAppStore((s) => s.byoLabelFree);
  const blocked = useAppStore((s) => s.runPhase !== 'idle' || s.demoPhase !== 'ready') || busy !== null;
  const task = useAppStore((s) => s.task);
  const dataset = useAppStore((s) => (s.dataMode === 'custom' ? s.dataset : null));
  // A demo reload replaces the cards: show user models only while their card is the current one.
  const t = userModelOnCard(byo, 'teacher', teacher);
  const s = userModelOnCard(byo, 'student', student);
  return (
    <section className="byo" aria-labelledby="byo-title" data-testid="byo-panel">
      <h3 id="byo-title">Your models</h3>
      <p className="muted">
        TensorFlow.js layers models (model.json + .bin shards) as teacher or student, graph models as teacher; the JSON may have any name
        (<code>selfie.json</code> + <code>selfie.bin</code>). Drop them on a card, or anywhere on the page (a folder named like{' '}
        <em>student</em> loads as the student). A teacher whose outputs are not the labels is used label-free.
      </p>
      <p className="muted" data-testid="byo-data">
        {dataset && !dataset.labelled
          ? `Your dataset has images only (${dataset.inputSize}×${dataset.inputSize}): a teacher loaded for it is used label-free, on its images.`
          : dataset
            ? `They are checked against your ${dataset.task} dataset (${dataset.numClasses} classes, ${dataset.inputSize}×${dataset.inputSize}) and run on it.`
            : `They are checked against the ${task} digit demo's labels and run on its scenes (at the teacher's input size).`}
      </p>
      <div className="byo-row">
        <PickButtons role="teacher" disabled={blocked} />
        <PickButtons role="student" disabled={blocked} />
      </div>
      <form
        className="byo-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) void loadFromUrl(url, urlRole);
        }}
      >
        <label>
          URL of model.json or .onnx{' '}
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} data-testid="byo-url" placeholder="https://…/model.json or …/model.onnx" />
        </label>
        <select value={urlRole} onChange={(e) => setUrlRole(e.target.value as ModelRole)} aria-label="Load the URL as" data-testid="byo-url-role">
          <option value="teacher">as teacher</option>
          <option value="student">as student</option>
        </select>
        <button type="submit" disabled={blocked || !url.trim()} data-testid="byo-url-load">
          Load
        </button>
        {fetching && (
          <button type="button" data-testid="byo-url-abort" onClick={abortModelFetch}>
            Abort
          </button>
        )}
      </form>
      {busy && !probe && (
        <p className="muted" role="status" data-testid="byo-busy">
          {fetching ? 'Downloading' : 'Loading'} the {busy === 'both' ? 'models' : busy}…
        </p>
      )}
      {probe && <ProbeStatus progress={probe} onCancel={cancelModelProbe} />}
      {(t || s) && align && (
        <p data-testid="byo-fit">
          Align module: <strong data-testid="byo-align">{align}</strong>. {dataset ? 'Images' : 'Demo scenes'}: {size}×{size} RGB.
        </p>
      )}
      {t && <TeacherIoView info={t} labelFree={labelFree} busy={blocked} />}
      {t && <UserModelLayers info={t} busy={blocked} />}
      {s && <UserModelLayers info={s} busy={blocked} />}
    </section>
  );
}
