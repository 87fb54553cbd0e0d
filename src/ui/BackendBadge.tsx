import { backendLabel } from '../train/backend';
import { useAppStore } from '../state/store';

export function BackendBadge() {
  const phase = useAppStore((s) => s.backendPhase);
  const status = useAppStore((s) => s.backendStatus);
  const error = useAppStore((s) => s.backendError);
  const selfCheckOk = useAppStore((s) => s.selfCheckOk);

  const text = phase === 'starting' ? 'Starting the engine…' : phase === 'failed' ? 'No backend' : backendLabel(status!);
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
      <span data-testid="backend-name">{text}</span>
      {phase === 'ready' && (
        <span className="badge-check" data-testid="backend-selfcheck" data-ok={String(selfCheckOk)}>
          {selfCheckOk === null ? '… self-check' : selfCheckOk ? '✓ self-check' : '✗ self-check failed: results may be wrong'}
        </span>
      )}
    </div>
  );
}
