import { METHODS } from '../maskd/methodInfo';
import { useAppStore } from '../state/store';
import type { Stage } from '../engine/progress';
import { formatEta, formatReadable, fullPrecision } from './format';

const STAGE_LABEL: Record<Stage, string> = { teacher: 'Teacher training', masks: 'Stage 1 · mask learning', distill: 'Stage 2 · distillation' };
const WITHIN_LABEL = { teacher: 'teacher on image', step: 'gradients of image', validation: 'validating image' } as const;
const PHASE_LABEL = { idle: 'Idle', running: 'Running', paused: 'Paused', stopping: 'Stopping…' } as const;

export function RunProgressView() {
  const p = useAppStore((s) => s.progress);
  const phase = useAppStore((s) => s.runPhase);
  const reason = useAppStore((s) => s.pauseReason);
  const step = p?.step ?? 0;
  const total = p?.total ?? 0;
  const method = p?.method ? ` · ${METHODS[p.method].label}` : '';
  const c = p?.compare;
  const running = phase === 'running';
  return (
    <div className="progress" data-testid="run-status" data-phase={phase} data-step={step} data-total={total} data-stage={p?.stage ?? ''}>
      <progress data-testid="run-progress" aria-label="Run progress" max={Math.max(1, total)} value={step} />
      <span className="progress-text" aria-live="polite">
        <strong>{PHASE_LABEL[phase]}</strong>
        {p && (
          <>
            {' '}· {STAGE_LABEL[p.stage]}
            {method}
            {c && (
              <span data-testid="run-compare-position" data-method={c.method} data-methods={c.methods} data-seed={c.seed} data-seeds={c.seeds}>
                {' '}(method {c.method} of {c.methods}{c.seeds > 1 ? ` · seed ${c.seed} of ${c.seeds}` : ''})
              </span>
            )}{' '}
            · step <span data-testid="run-step-count">{step}</span> / {total}
            {c ? (
              <>
                {' '}· comparison <span data-testid="run-compare-step" data-step={c.step} data-total={c.total}>{c.step} / {c.total}</span> · ETA{' '}
                <span data-testid="run-compare-eta" title={`Time left for every method${c.seeds > 1 ? ' and seed' : ''} of the comparison, from the measured time per step of each kind of method`}>
                  {running ? formatEta(c.etaMs) : '—'} ({c.seeds > 1 ? 'all methods and seeds' : 'all methods'})
                </span>{' '}
                ·{' '}
              </>
            ) : (
              <> · ETA {running ? formatEta(p.etaMs) : '—'} ·{' '}</>
            )}
            {formatReadable(p.msPerStep, 3)} ms/step · loss{' '}
            <span data-testid="run-loss" title={fullPrecision(p.losses.total)}>{formatReadable(p.losses.total)}</span>
          </>
        )}
        {p?.objective === 'teacher' && <span data-testid="run-objective"> · label-free</span>}
        {p?.within && phase === 'running' && (
          <span data-testid="run-within" data-done={p.within.done} data-of={p.within.of}>
            {' '}· {WITHIN_LABEL[p.within.what]} {p.within.done}/{p.within.of}
          </span>
        )}
        {reason && <span className="pause-reason"> · paused: {reason}</span>}
      </span>
    </div>
  );
}
