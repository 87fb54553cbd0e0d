import { calibrationReason, timingName, timingText } from '../backends/calibration/describe';
import { BACKEND_TITLES } from '../backends/types';
import { useAppStore } from '../state/store';
import { backendLabel } from '../backends/labels';

/** While Auto measures: "Measuring which backend is fastest here: WASM 96 ms/step · timing WebGPU…". */
function MeasuringText() {
  const calibrating = useAppStore((s) => s.calibrating);
  if (!calibrating) return <>Starting the engine…</>;
  const done = calibrating.timings.map((t) => `${timingName(t)} ${timingText(t)}`);
  const next = calibrating.measuring ? `timing ${BACKEND_TITLES[calibrating.measuring]}…` : 'starting the fastest…';
  return <>Measuring which backend is fastest here: {[...done, next].join(' · ')}</>;
}

export function BackendBadge() {
  const phase = useAppStore((s) => s.backendPhase);
  const status = useAppStore((s) => s.backendStatus);
  const error = useAppStore((s) => s.backendError);
  const selfCheckOk = useAppStore((s) => s.selfCheckOk);
  const auto = useAppStore((s) => s.backendChoice === 'auto');

  const calibration = status?.calibration ?? null;
  const why = phase === 'ready' && auto && calibration && calibration.fastest === status?.backend ? calibrationReason(calibration) : null;
  const title =
    phase === 'failed'
      ? (error ?? '')
      : status?.adapter
        ? `${status.adapter.vendor} ${status.adapter.architecture} ${status.adapter.description}`.trim()
        : undefined;

  return (
    <div
      className={`badge badge-${phase}${selfCheckOk === false ? ' badge-bad' : ''}`}
      data-testid="backend-badge"
      data-backend={status?.backend ?? ''}
      data-phase={phase}
      role="status"
      aria-live="polite"
      title={title}
    >
      <span data-testid="backend-name">
        {phase === 'starting' ? <MeasuringText /> : phase === 'failed' ? 'No backend' : backendLabel(status!)}
      </span>
      {why && (
        <span className="badge-why" data-testid="backend-why">
          — {why}
        </span>
      )}
      {phase === 'ready' && (
        <span className="badge-check" data-testid="backend-selfcheck" data-ok={String(selfCheckOk)}>
          {selfCheckOk === null ? '… self-check' : selfCheckOk ? '✓ self-check' : '✗ self-check failed: results may be wrong'}
        </span>
      )}
    </div>
  );
}
