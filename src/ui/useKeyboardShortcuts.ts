import { useEffect } from 'react';
import { stepOnce, togglePause } from '../state/actions';
import { useAppStore } from '../state/store';
import { shortcutFor } from './shortcuts';

/** Space pauses/resumes, `.` steps once while paused (see shortcuts.ts for when they apply). */
export function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target instanceof HTMLElement ? e.target : null;
      const phase = useAppStore.getState().runPhase;
      const action = shortcutFor(
        {
          key: e.key,
          ctrlKey: e.ctrlKey,
          metaKey: e.metaKey,
          altKey: e.altKey,
          targetTag: t?.tagName ?? 'BODY',
          targetEditable: t?.isContentEditable ?? false,
          targetType: t instanceof HTMLInputElement ? t.type : undefined,
        },
        phase === 'running' || phase === 'paused',
      );
      if (!action) return;
      e.preventDefault();
      if (action === 'togglePause') togglePause();
      else stepOnce();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
