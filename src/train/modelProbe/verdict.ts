// A probe's reply as the engine takes it: accepted, or a ModelFileError that says what happened
// and that nothing was loaded.
import { ModelFileError } from '../../byo/modelFiles';
import { LIMITS, limitText } from '../../limits';
import type { ProbeReply } from './messages';

export const probeRefusals = {
  crashed: (label: string, why: string) =>
    new ModelFileError(label, `crashed the worker that checked it (${why.slice(0, 80)}); nothing was loaded and the models in use are unchanged`),
  timedOut: (label: string) =>
    new ModelFileError(label, `was not checked within ${limitText('modelProbeSeconds')} on ${LIMITS.modelProbeSeconds.what}: the worker was stopped and nothing was loaded`),
  cancelled: (label: string) => new ModelFileError(label, 'was not loaded: its check was cancelled'),
};

/** The final reply as an outcome: null when accepted, else the refusal to throw. */
export function verdictOf(reply: Exclude<ProbeReply, { type: 'progress' }>, label: string): ModelFileError | null {
  if (reply.type === 'accepted') return null;
  if (reply.type === 'refused') return new ModelFileError(reply.file, reply.problem);
  return new ModelFileError(label, `could not be checked: ${reply.message.slice(0, 200)}. Nothing was loaded`);
}
