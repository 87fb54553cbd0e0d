import { useEffect, useRef } from 'react';
import { compareMethods, distill, learnMasks } from '../state/actions';
import { useAppStore } from '../state/store';
import { GUIDE_STEPS, guideCurrent, guideDone, type GuideStep } from './guide';

const ACTIONS: Record<GuideStep, () => Promise<void>> = { masks: learnMasks, distill, compare: compareMethods };

/**
 * The first-visit strip: the page in three steps, each a button that runs it (the run bar's
 * button of the step to do next is highlighted too). Escape or “Got it” hides it for good
 * (localStorage); the header's “Guide” button brings it back.
 */
export function GuideStrip() {
  const dismissed = useAppStore((s) => s.guideDismissed);
  const dismiss = useAppStore((s) => s.dismissGuide);
  const current = useAppStore(guideCurrent);
  const masksDone = useAppStore((s) => guideDone(s, 'masks'));
  const distillDone = useAppStore((s) => guideDone(s, 'distill'));
  const compareDone = useAppStore((s) => guideDone(s, 'compare'));
  const canRun = useAppStore((s) => s.runPhase === 'idle' && s.demoPhase === 'ready' && s.backendPhase === 'ready');
  const hasCompare = useAppStore((s) => s.compareMethods.length > 0);
  const root = useRef<HTMLElement>(null);
  const done: Record<GuideStep, boolean> = { masks: masksDone, distill: distillDone, compare: compareDone };

  // Followed from the keyboard: when a step ends, focus moves on to the next one (or to “Got it”),
  // unless the user has since gone elsewhere on the page. Not on the first render: the page
  // opens with the focus where the browser puts it.
  const shown = useRef(current);
  useEffect(() => {
    if (shown.current === current) return;
    shown.current = current;
    const el = root.current;
    if (!el) return;
    const active = document.activeElement;
    if (active && active !== document.body && !el.contains(active)) return;
    const next = el.querySelector<HTMLButtonElement>(current ? `[data-testid="guide-go-${current}"]` : '[data-testid="guide-dismiss"]');
    if (next && next !== active) next.focus();
  }, [current]);

  if (dismissed) return null;
  const hide = () => {
    dismiss();
    // Keep the keyboard user's place: the header button that brings the guide back.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="guide-reopen"]')?.focus());
  };
  return (
    <section ref={root} className="guide" aria-label="First run, in three steps" data-testid="guide-strip" data-current={current ?? 'done'}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          hide();
        }
      }}>
      <span className="guide-intro">{current ? 'New here?' : 'All three done: change a setting and run again, or'}</span>
      <ol className="guide-steps">
        {GUIDE_STEPS.map((g, i) => (
          <li key={g.step} className={`guide-step${current === g.step ? ' current' : ''}${done[g.step] ? ' done' : ''}`}
            data-testid={`guide-step-${g.step}`} data-done={String(done[g.step])}>
            <button type="button" data-testid={`guide-go-${g.step}`} aria-current={current === g.step ? 'step' : undefined}
              disabled={!canRun || (g.step === 'compare' && !hasCompare)} onClick={() => void ACTIONS[g.step]()}
              title={`Runs ${g.title} (the same as the run bar’s button)`}>
              <span className="guide-num" aria-hidden="true">{done[g.step] ? '✓' : i + 1}</span>
              <span className="sr-only">{`Step ${i + 1}${done[g.step] ? ', done' : ''}: `}</span>
              {g.title}
            </button>
            <span className="guide-what">{g.what}</span>
          </li>
        ))}
      </ol>
      <button type="button" className="guide-dismiss" data-testid="guide-dismiss" onClick={hide}
        title="Hide this guide; it stays hidden on later visits (the Guide button in the header brings it back)">
        Got it
      </button>
    </section>
  );
}

/** The header's way back to a dismissed guide. */
export function GuideReopen() {
  const dismissed = useAppStore((s) => s.guideDismissed);
  const reopen = useAppStore((s) => s.reopenGuide);
  const shared = useAppStore((s) => s.sharedView !== null);
  if (!dismissed || shared) return null;
  return (
    <button type="button" className="link-button" data-testid="guide-reopen" onClick={reopen} title="Show the three-step guide again">
      Guide
    </button>
  );
}
