import { discardStoredRun, resumeStoredRun } from '../state/actions';
import { useAppStore } from '../state/store';
import { describeCheckpoint } from '../engine/checkpoint';

/** After a reload: the interrupted run found in IndexedDB, with Resume and Discard. */
export function ResumeBanner() {
  const offer = useAppStore((s) => s.resumeOffer);
  const canStart = useAppStore((s) => s.runPhase === 'idle' && s.demoPhase === 'ready' && s.backendPhase === 'ready');
  if (!offer) return null;
  const saved = new Date(offer.savedAt).toLocaleString();
  return (
    <div className="notice notice-info resume-banner" role="status" data-testid="resume-banner" data-step={offer.step} data-kind={offer.kind}>
      <span>
        An interrupted run was saved: <strong data-testid="resume-what">{describeCheckpoint(offer)}</strong>, checkpointed
        on {saved} ({offer.reason === 'pause' ? 'when it was paused' : 'at an interval'}, on {offer.backend}). Resume continues
        from that step with its curves; Discard forgets it.
      </span>
      <span className="resume-buttons">
        <button type="button" data-testid="resume-run" aria-label={`Resume ${describeCheckpoint(offer)}`} disabled={!canStart}
          onClick={() => void resumeStoredRun()}>
          Resume
        </button>
        <button type="button" data-testid="resume-discard" aria-label="Discard the saved run" onClick={() => void discardStoredRun()}>
          Discard
        </button>
      </span>
    </div>
  );
}
