// One probe of one model's files: the format that claims them checks them (./formats.ts). Runs in
// the probe worker (./probeWorker.ts); Node tests run it in-process (./inProcessProbe.ts).
import { ModelFileError } from '../../byo/modelFiles';
import { errorText } from '../../errorText';
import type { ProbeJob, ProbeReply } from './messages';
import { PROBE_FORMATS, type UntrustedModelFormat } from './formats';

export async function probeModel(job: ProbeJob, say: (reply: ProbeReply) => void, formats: readonly UntrustedModelFormat[] = PROBE_FORMATS): Promise<void> {
  try {
    const format = formats.find((f) => f.matches(job.files));
    if (!format) throw new ModelFileError('(dropped files)', `are no model format the playground reads (${formats.map((f) => f.name).join('; ')})`);
    await format.probe(job.files, job.role, (stage) => say({ type: 'progress', stage }));
    say({ type: 'accepted', format: format.name });
  } catch (err) {
    if (err instanceof ModelFileError) say({ type: 'refused', file: err.file, problem: err.problem });
    else say({ type: 'failed', message: errorText(err) });
  }
}
