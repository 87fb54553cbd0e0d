import { BACKEND_TITLES } from '../backends/types';
import { useAppStore } from '../state/store';

/** Says why the engine is not on the backend that was asked for (or measured fastest), or that none could start. */
export function BackendNotice() {
  const phase = useAppStore((s) => s.backendPhase);
  const status = useAppStore((s) => s.backendStatus);
  const error = useAppStore((s) => s.backendError);
  const dismissed = useAppStore((s) => s.fallbackDismissed);
  const dismiss = useAppStore((s) => s.dismissFallback);
  const choice = useAppStore((s) => s.backendChoice);

  if (phase === 'failed') {
    return (
      <div className="notice notice-error" role="alert" data-testid="backend-error">
        TensorFlow.js could not start on any backend: {error}. Try a current Chrome or Edge with
        WebGPU enabled.
      </div>
    );
  }
  if (phase !== 'ready' || !status?.fallbackReason || dismissed) return null;
  const wanted = choice !== 'auto' ? choice : (status.calibration?.fastest ?? 'webgpu');
  return (
    <div className="notice notice-warn" role="alert" data-testid="backend-fallback">
      <span>
        Running on {BACKEND_TITLES[status.backend]} instead of {BACKEND_TITLES[wanted]} ({status.fallbackReason}). Everything
        works, but training may be slower here{status.backend === 'webgpu' ? '' : ' and the fused MasKD kernels (WebGPU only) are not used'}.
        Pick a backend in Setup, or <em>Re-measure</em> to time them all again.
      </span>
      <button type="button" onClick={dismiss} data-testid="backend-fallback-dismiss" aria-label="Dismiss backend notice">
        Dismiss
      </button>
    </div>
  );
}
