import { shareCurrent } from '../state/shareActions';
import { useAppStore } from '../state/store';
import { LINK_LIMITS } from '../share/linkSchema';

export function SharePanel() {
  const outcome = useAppStore((s) => s.shareOutcome);
  const setOutcome = useAppStore((s) => s.setShareOutcome);
  const ready = useAppStore((s) => s.demoPhase === 'ready' && s.backendPhase === 'ready' && s.runPhase === 'idle' && (s.tokens !== null || s.masksTrained));
  return (
    <div className="share" data-testid="share-panel">
      <button type="button" data-testid="share-button" disabled={!ready} onClick={() => void shareCurrent()}
        title="Copy a link that opens these masks (tokens, seed and settings travel in the link itself)">
        Share masks
      </button>
      {outcome && !outcome.ok && (
        <div className="notice notice-error" role="alert" data-testid="share-error">
          <span>{outcome.error}</span>
          <button type="button" data-testid="share-error-dismiss" onClick={() => setOutcome(null)}>Dismiss</button>
        </div>
      )}
      {outcome?.ok && (
        <div className="share-result" data-testid="share-result" data-clipboard={outcome.clipboard}>
          <p role="status">
            {outcome.clipboard === 'copied'
              ? 'Link copied to the clipboard.'
              : outcome.clipboard === 'refused'
                ? 'The browser refused the clipboard: select the link below and copy it.'
                : 'Copying…'}{' '}
            <span data-testid="share-size">
              {(outcome.chars / 1024).toFixed(1)} KB of {LINK_LIMITS.maxHashChars / 1024} KB ({outcome.chars} characters)
            </span>
            ; tokens at {outcome.tokenBits} bits, each value within ±<span data-testid="share-bound">{outcome.tokenBound.toExponential(1)}</span>
            {outcome.maskBound > 0 ? `, mask pixels within ±${outcome.maskBound.toExponential(1)}` : ''}.
          </p>
          {outcome.notes.length > 0 && <p className="muted" data-testid="share-notes">To fit the link: {outcome.notes.join('; ')}.</p>}
          <label className="field" htmlFor="share-url">
            Link
            <input id="share-url" data-testid="share-url" type="text" readOnly value={outcome.url} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <button type="button" data-testid="share-close" onClick={() => setOutcome(null)}>Close</button>
        </div>
      )}
    </div>
  );
}
