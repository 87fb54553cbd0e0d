import { discardLastResults, restoreLastResults } from '../state/lastResults';
import { useAppStore } from '../state/store';

/** After a reload: the last finished run's results this browser kept, with Restore and Discard. */
export function LastResultsBanner() {
  const offer = useAppStore((s) => s.lastResultsOffer);
  const ready = useAppStore((s) => s.runPhase === 'idle' && s.demoPhase === 'ready' && s.backendPhase === 'ready');
  if (!offer) return null;
  const saved = new Date(offer.savedAt).toLocaleString();
  return (
    <div className="notice notice-info resume-banner" role="status" data-testid="last-results-banner" data-saved-at={offer.savedAt}>
      <span>
        The last run’s results were kept in this browser on {saved}: <strong data-testid="last-results-what">{offer.task}, {offer.what}</strong>
        {offer.tokens ? ', with its tokens' : ''}. Restore puts its settings, tokens and curves back; Discard forgets them.
      </span>
      <span className="resume-buttons">
        <button type="button" data-testid="last-results-restore" aria-label="Restore the last run's results" disabled={!ready}
          onClick={() => void restoreLastResults()}>
          Restore
        </button>
        <button type="button" data-testid="last-results-discard" aria-label="Discard the kept results" onClick={() => void discardLastResults()}>
          Discard
        </button>
      </span>
    </div>
  );
}
