// The browser's probe host: each model is parsed, sized and run once in a fresh worker with its
// own TensorFlow.js and backend, which is terminated when it answers, crashes, runs past the time
// budget or is cancelled. Whatever the model does there (a hang, an out-of-memory, a corrupted
// WebAssembly heap) ends with that worker: the engine's own backend never saw its bytes.
import { LIMITS } from '../../limits';
import type { ModelProbeHost } from './host';
import type { ProbeJob, ProbeReply } from './messages';
import { probeRefusals, verdictOf } from './verdict';

export function workerProbeHost(makeWorker: () => Worker, budgetMs = LIMITS.modelProbeSeconds.value * 1000): ModelProbeHost {
  let stop: (() => void) | null = null;
  return {
    probe: (job: ProbeJob, label, onStage) =>
      new Promise<void>((resolve, reject) => {
        const worker = makeWorker();
        const end = (error: Error | null) => {
          clearTimeout(timer);
          stop = null;
          worker.onmessage = null;
          worker.onerror = null;
          worker.terminate();
          if (error) reject(error);
          else resolve();
        };
        const timer = setTimeout(() => end(probeRefusals.timedOut(label)), budgetMs);
        stop = () => end(probeRefusals.cancelled(label));
        worker.onmessage = (e: MessageEvent<ProbeReply>) => {
          const r = e.data;
          if (r.type === 'progress') onStage(r.stage);
          else end(verdictOf(r, label));
        };
        worker.onerror = (e) => {
          e.preventDefault();
          end(probeRefusals.crashed(label, e.message || 'the worker stopped'));
        };
        worker.onmessageerror = () => end(probeRefusals.crashed(label, 'its reply could not be read'));
        // Copied, not moved: the engine keeps the bytes it loads once the probe accepts them.
        worker.postMessage(job);
      }),
    cancel: () => stop?.(),
  };
}
