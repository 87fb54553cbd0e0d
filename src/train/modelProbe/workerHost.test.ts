import { expect, it } from 'vitest';
import { ModelFileError } from '../../byo/modelFiles';
import type { ProbeStage } from '../../engine/modelProbe';
import type { ProbeJob, ProbeReply } from './messages';
import { workerProbeHost } from './workerHost';

/** A stand-in for a probe Worker: what was posted to it, whether it was terminated, and ways to answer or crash. */
class FakeWorker {
  onmessage: ((e: MessageEvent<ProbeReply>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  posted: ProbeJob[] = [];
  terminated = false;
  postMessage(job: ProbeJob): void {
    this.posted.push(job);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(r: ProbeReply): void {
    this.onmessage?.({ data: r } as MessageEvent<ProbeReply>);
  }
  crash(message: string): void {
    this.onerror?.({ message, preventDefault: () => {} } as ErrorEvent);
  }
}

const job: ProbeJob = { role: 'teacher', files: [{ name: 'm/model.json', data: new ArrayBuffer(4) }] };

function host(budgetMs = 60_000) {
  const workers: FakeWorker[] = [];
  const h = workerProbeHost(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w as unknown as Worker;
  }, budgetMs);
  return { h, workers };
}

async function refusal(p: Promise<void>): Promise<ModelFileError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message.length).toBeLessThan(300);
    return err as ModelFileError;
  }
  throw new Error('accepted');
}

it('accepts on the worker’s verdict, passes its steps on, and terminates it', async () => {
  const { h, workers } = host();
  const stages: ProbeStage[] = [];
  const p = h.probe(job, 'm', (s) => stages.push(s));
  const w = workers[0];
  expect(w.posted).toEqual([job]);
  w.reply({ type: 'progress', stage: 'reading' });
  w.reply({ type: 'progress', stage: 'sizing' });
  w.reply({ type: 'accepted', format: 'TensorFlow.js layers or graph model' });
  await p;
  expect(stages).toEqual(['reading', 'sizing']);
  expect(w.terminated).toBe(true);
});

it('a refusal, a crash, a failure, the time budget and Cancel each end the worker with a ModelFileError', async () => {
  const { h, workers } = host();
  let p = h.probe(job, 'm', () => {});
  workers[0].reply({ type: 'refused', file: 'm/model.json', problem: 'uses op "X"' });
  expect((await refusal(p)).message).toBe('m/model.json: uses op "X"');

  p = h.probe(job, 'crashy', () => {});
  workers[1].crash('RuntimeError: memory access out of bounds');
  expect((await refusal(p)).message).toBe('crashy: crashed the worker that checked it (RuntimeError: memory access out of bounds); nothing was loaded and the models in use are unchanged');

  p = h.probe(job, 'odd', () => {});
  workers[2].reply({ type: 'failed', message: 'x'.repeat(10_000) });
  expect((await refusal(p)).message).toMatch(/^odd: could not be checked: x+\. Nothing was loaded$/);

  p = h.probe(job, 'stuck', () => {});
  h.cancel();
  expect((await refusal(p)).message).toBe('stuck: was not loaded: its check was cancelled');
  expect(workers.every((w) => w.terminated)).toBe(true);
  // A late message from a cancelled worker changes nothing.
  workers[3].reply({ type: 'accepted', format: 'x' });
});

it('stops a worker that never answers at the time budget', async () => {
  const { h, workers } = host(5);
  const err = await refusal(h.probe(job, 'hang', () => {}));
  expect(err.message).toBe('hang: was not checked within the 30 s limit on time the throwaway probe worker has to parse, size and run a dropped or fetched model once: the worker was stopped and nothing was loaded');
  expect(workers[0].terminated).toBe(true);
});
