import { useAppStore } from '../state/store';

/** Says why the page is not on WebGPU, or that no backend could start at all. */
export function BackendNotice() {
  const phase = useAppStore((s) => s.backendPhase);
  const status = useAppStore((s) => s.backendStatus);
  const error = useAppStore((s) => s.backendError);
  const dismissed = useAppStore((s) => s.fallbackDismissed);
  const dismiss = useAppStore((s) => s.dismissFallback);

  if (phase === 'failed') {
    return (
      <div className="notice notice-error" role="alert" data-testid="backend-error">
        TensorFlow.js could not start on any backend: {error}. Try a current Chrome or Edge with
        WebGPU enabled.
      </div>
    );
  }
  if (phase !== 'ready' || !status?.fallbackReason || dismissed) return null;
  return (
    <div className="notice notice-warn" role="alert" data-testid="backend-fallback">
      <span>
        Running on {status.backend.toUpperCase()} instead of WebGPU ({status.fallbackReason}). Everything
        works, but training is slower and the fused MasKD kernels are not used. Use a browser with
        WebGPU (Chrome/Edge 113+) for full speed.
      </span>
      <button type="button" onClick={dismiss} data-testid="backend-fallback-dismiss" aria-label="Dismiss backend notice">
        Dismiss
      </button>
    </div>
  );
}
