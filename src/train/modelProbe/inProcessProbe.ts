// The probe run in the engine's own thread (Node: scripts and tests, where no Worker exists). Same
// checks and verdicts as the worker, without its isolation: a cancel takes effect when the check
// gets back to the event loop.
import type { ModelProbeHost } from './host';
import type { ProbeReply } from './messages';
import { probeModel } from './probeModel';
import { probeRefusals, verdictOf } from './verdict';

export function inProcessProbeHost(): ModelProbeHost {
  let cancelled = false;
  return {
    async probe(job, label, onStage) {
      cancelled = false;
      let final: Exclude<ProbeReply, { type: 'progress' }> | null = null;
      await probeModel(job, (r) => {
        if (r.type === 'progress') onStage(r.stage);
        else final = r;
      });
      if (cancelled) throw probeRefusals.cancelled(label);
      const error = final ? verdictOf(final, label) : probeRefusals.crashed(label, 'it gave no verdict');
      if (error) throw error;
    },
    cancel: () => {
      cancelled = true;
    },
  };
}
