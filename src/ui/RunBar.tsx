import { compareMethods, distill, learnMasks, stepOnce, stopRun, togglePause } from '../state/actions';
import { useAppStore } from '../state/store';
import { guideCurrent, type GuideStep } from './guide';
import { LiveLossChart } from './LiveLossChart';
import { RunProgressView } from './RunProgressView';

/** While the first-run guide shows, the button of the step to do next is highlighted. */
const guideMark = (next: GuideStep | null, step: GuideStep) =>
  next === step ? { className: 'guide-next', 'data-guide': 'next', 'aria-describedby': 'guide-next-hint' } : {};

export function RunBar() {
  const phase = useAppStore((s) => s.runPhase);
  const ready = useAppStore((s) => s.demoPhase === 'ready' && s.backendPhase === 'ready');
  const hasCompare = useAppStore((s) => s.compareMethods.length > 0);
  const idle = phase === 'idle';
  const active = phase === 'running' || phase === 'paused';
  const next = useAppStore((s) => (s.guideDismissed ? null : guideCurrent(s)));
  return (
    <section className="panel runbar" aria-label="Run controls" data-testid="run-bar">
      <div className="runbar-main">
        <div className="runbar-buttons" role="toolbar" aria-label="Run">
          <button type="button" data-testid="run-learn-masks" {...guideMark(next, 'masks')} disabled={!idle || !ready} onClick={() => void learnMasks()}>
            Learn masks
          </button>
          <button type="button" data-testid="run-distill" {...guideMark(next, 'distill')} disabled={!idle || !ready} onClick={() => void distill()}>
            Distill
          </button>
          <button type="button" data-testid="run-compare" {...guideMark(next, 'compare')} disabled={!idle || !ready || !hasCompare} onClick={() => void compareMethods()}>
            Compare methods
          </button>
          <span className="sep" aria-hidden="true" />
          <button type="button" data-testid="run-pause" disabled={!active} aria-pressed={phase === 'paused'} onClick={togglePause}
            aria-keyshortcuts="Space">
            {phase === 'paused' ? 'Resume' : 'Pause'}
          </button>
          <button type="button" data-testid="run-step" disabled={phase !== 'paused'} onClick={stepOnce} aria-keyshortcuts=".">
            Step
          </button>
          <button type="button" data-testid="run-stop" disabled={!active} onClick={stopRun}>
            Stop
          </button>
          <span className="muted keys">
            Keys: <kbd>Space</kbd> pause/resume · <kbd>.</kbd> one step
          </span>
          {next && <span id="guide-next-hint" className="sr-only">Suggested next step of the first-run guide.</span>}
        </div>
        <RunProgressView />
      </div>
      <LiveLossChart />
    </section>
  );
}
