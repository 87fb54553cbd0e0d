// A loadModels request's models probed one after the other, with the page told each step (the
// `modelProbe` event: which model, which step, the time it has had of its budget).
import { LIMITS } from '../../limits';
import type { ProbeProgress } from '../../engine/modelProbe';
import type { LoadModelsRequest } from '../../engine/userModels';
import type { ModelProbeHost } from './host';
import type { ProbeDebug } from './messages';

export async function probeUserModels(host: ModelProbeHost, request: LoadModelsRequest, onProgress: (progress: ProbeProgress | null) => void, debug?: ProbeDebug): Promise<void> {
  const budgetMs = LIMITS.modelProbeSeconds.value * 1000;
  try {
    for (const role of ['teacher', 'student'] as const) {
      const model = request[role];
      if (!model) continue;
      const started = Date.now();
      const tell = (stage: ProbeProgress['stage']) => onProgress({ role, label: model.label, stage, elapsedMs: Date.now() - started, budgetMs });
      tell('starting');
      await host.probe({ role, files: model.files, ...(debug ? { debug } : {}) }, model.label, tell);
      tell('done');
    }
  } finally {
    onProgress(null);
  }
}
