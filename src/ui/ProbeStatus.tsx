// A dropped or fetched model being checked in its throwaway worker: which one, which step, a bar
// of the time it has had of its budget, and Cancel (the load then fails and nothing changes).
import type { ProbeProgress } from '../engine/modelProbe';
import { PROBE_STAGES } from '../engine/modelProbe';

const STEP_WORDS: Readonly<Record<ProbeProgress['stage'], string>> = {
  starting: 'starting its worker',
  reading: 'reading the files',
  sizing: 'sizing every layer',
  running: 'running it once',
  done: 'accepted, loading',
};

export function ProbeStatus({ progress, onCancel }: { progress: ProbeProgress; onCancel: () => void }) {
  const step = PROBE_STAGES.indexOf(progress.stage);
  const seconds = Math.round(progress.elapsedMs / 1000);
  return (
    <div className="byo-row" role="status" data-testid="byo-probe">
      <span className="muted">
        Checking the {progress.role} <span title={progress.label}>{progress.label.slice(0, 60)}</span> in a throwaway worker: {STEP_WORDS[progress.stage]} (step {step + 1} of{' '}
        {PROBE_STAGES.length}, {seconds} s of {Math.round(progress.budgetMs / 1000)} s)
      </span>
      <progress max={PROBE_STAGES.length} value={step + 1} aria-label="Model check progress" />
      <button type="button" onClick={onCancel} data-testid="byo-probe-cancel">
        Cancel
      </button>
    </div>
  );
}
