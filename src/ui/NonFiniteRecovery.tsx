import { useState } from 'react';
import { setRunLearningRate } from '../state/actions';
import { useAppStore } from '../state/store';

/**
 * Shown while a run is paused on a non-finite loss: the stage settings are locked during a run,
 * so the learning rate for the rest of it is set here, then Resume continues.
 */
export function NonFiniteRecovery() {
  const reason = useAppStore((s) => (s.runPhase === 'paused' ? s.pauseReason : null));
  const stageLr = useAppStore((s) => (s.progress?.stage === 'masks' ? s.mask.lr : s.distill.lr));
  const [draft, setDraft] = useState('');
  if (!reason) return null;
  const value = draft === '' ? stageLr / 10 : Number(draft);
  const valid = Number.isFinite(value) && value > 0;
  return (
    <div className="notice notice-warn nan-recovery" role="group" aria-label="Recover from a non-finite loss" data-testid="nan-recovery">
      <label htmlFor="nan-lr">Learning rate for the rest of the run</label>
      <input id="nan-lr" data-testid="nan-lr" type="number" step="any" min={0} value={draft === '' ? String(value) : draft}
        aria-invalid={!valid} onChange={(e) => setDraft(e.target.value)} />
      <button type="button" data-testid="nan-lr-apply" disabled={!valid} onClick={() => setRunLearningRate(value)}>
        Set learning rate
      </button>
      <span className="muted">then press Resume.</span>
    </div>
  );
}
