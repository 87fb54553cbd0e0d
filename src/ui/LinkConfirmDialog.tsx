import { useEffect, useRef } from 'react';
import { keepWorkForLink, openPendingLink } from '../state/shareActions';
import { useAppStore } from '../state/store';

/**
 * A share link pasted into the address bar of a tab with work: asks before the page reloads for
 * it. A modal <dialog> (focus inside it, the page behind inert); Escape and "Keep my work" keep
 * everything, the safe choice has the focus.
 */
export function LinkConfirmDialog() {
  const pending = useAppStore((s) => s.pendingLink);
  const ref = useRef<HTMLDialogElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d || !pending) return;
    if (!d.open) d.showModal();
    keep.current?.focus();
    return () => {
      if (d.open) d.close();
    };
  }, [pending]);
  if (!pending) return null;
  return (
    <dialog ref={ref} className="link-dialog" data-testid="link-dialog" aria-labelledby="link-dialog-title" aria-describedby="link-dialog-text"
      onCancel={(e) => {
        e.preventDefault();
        keepWorkForLink();
      }}>
      <h2 id="link-dialog-title">Open the shared masks?</h2>
      <p id="link-dialog-text">
        Your current work will be replaced: <span data-testid="link-dialog-work">{pending.work.join(', ')}</span>. The page reloads to
        open the link; export the run first to keep a copy.
      </p>
      <div className="link-dialog-buttons">
        <button type="button" ref={keep} className="primary" data-testid="link-keep" onClick={() => keepWorkForLink()}>
          Keep my work
        </button>
        <button type="button" data-testid="link-open" onClick={() => openPendingLink()}>
          Open the shared masks
        </button>
      </div>
    </dialog>
  );
}
