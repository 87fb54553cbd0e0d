// The browser's probe host: each model is parsed, sized and run once in a fresh worker with its
// own TensorFlow.js and backend, which is terminated when it answers, crashes, runs past the time
// budget or is cancelled. Whatever the model does there (a hang, an out-of-memory, a corrupted
// WebAssembly heap) ends with that worker: the engine's own backend never saw its bytes.
import { LIMITS } from '../../limits';
import { runOneShot } from '../../oneShotWorker';
import type { ModelProbeHost } from './host';
import type { ProbeJob, ProbeReply } from './messages';
import { probeRefusals, verdictOf } from './verdict';

export function workerProbeHost(makeWorker: () => Worker, budgetMs = LIMITS.modelProbeSeconds.value * 1000): ModelProbeHost {
  let stop: (() => void) | null = null;
  return {
    probe: (job: ProbeJob, label, onStage) => {
      // Copied, not moved: the engine keeps the bytes it loads once the probe accepts them.
      const running = runOneShot<ProbeJob, ProbeReply, void>(makeWorker(), job, {
        reply: (r) => {
          if (r.type === 'progress') {
            onStage(r.stage);
            return undefined;
          }
          const error = verdictOf(r, label);
          return error ? { error } : { value: undefined };
        },
        crashed: (why) => ({ error: probeRefusals.crashed(label, why || 'the worker stopped') }),
        budgetMs,
        timedOut: () => ({ error: probeRefusals.timedOut(label) }),
      });
      const cancel = () => running.cancel({ error: probeRefusals.cancelled(label) });
      stop = cancel;
      return running.result.finally(() => {
        if (stop === cancel) stop = null;
      });
    },
    cancel: () => stop?.(),
  };
}
