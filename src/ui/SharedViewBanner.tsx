import { continueFromShared } from '../state/shareActions';
import { useAppStore } from '../state/store';

/** Shown instead of Setup and the run bar while a share link is open read-only. */
export function SharedViewBanner() {
  const view = useAppStore((s) => s.sharedView);
  if (!view) return null;
  const { state } = view;
  const teacher = state.models.teacher.kind === 'builtin' ? state.models.teacher.id : `sha256 ${state.models.teacher.hex.slice(0, 12)}…`;
  return (
    <section className="panel shared-banner" role="region" aria-label="Read-only shared view" data-testid="shared-banner" data-phase={view.phase}
      data-source={view.source}>
      <h2>Read-only shared view</h2>
      <p>
        {view.source === 'tokens'
          ? `These masks are rebuilt from the link's ${state.tokens.numTokens} receptive tokens on the shipped ${state.task} teacher`
          : `These masks are the link's own mask images (teacher ${teacher})`}
        , over {state.previews.length} preview scene{state.previews.length === 1 ? '' : 's'} (seed {state.seed}). Tokens are stored with{' '}
        {view.tokenBits}-bit quantisation: each value within ±{view.tokenBound.toExponential(1)} of the original
        {view.maskBound > 0 ? `; mask pixels within ±${view.maskBound.toExponential(1)}` : ''}. Nothing here trains until you continue.
      </p>
      {view.phase === 'loading' ? (
        <p className="muted" data-testid="shared-loading">Starting the engine and rebuilding the shared masks…</p>
      ) : (
        <button type="button" className="primary" data-testid="shared-continue" onClick={() => void continueFromShared()}>
          Continue from here
        </button>
      )}
    </section>
  );
}
