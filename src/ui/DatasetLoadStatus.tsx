import type { DatasetLoadProgress } from '../engine/datasets';

const PHASE_WORDS: Readonly<Record<DatasetLoadProgress['phase'], string>> = {
  reading: 'Reading the files',
  decoding: 'Decoding and resizing the images',
};

/** A dataset load in progress: what it does, how far it is, and its Cancel. */
export function DatasetLoadStatus({ progress, cancelling, onCancel }: { progress: DatasetLoadProgress | null; cancelling: boolean; onCancel: () => void }) {
  const phase = progress?.phase ?? 'reading';
  return (
    <div className="progress dataset-load" role="status" data-testid="dataset-loading" data-phase={phase} data-done={progress?.done ?? 0} data-total={progress?.total ?? 0}>
      <p>
        {cancelling ? 'Cancelling…' : `${PHASE_WORDS[phase]}…`}
        {progress && !cancelling ? ` ${progress.done} of ${progress.total}` : ''}
      </p>
      <progress max={progress?.total || 1} value={progress?.done ?? 0} aria-label="Dataset load progress" />
      <button type="button" onClick={onCancel} disabled={cancelling} data-testid="dataset-cancel">
        Cancel
      </button>
    </div>
  );
}
