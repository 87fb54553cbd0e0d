import { describe, expect, it } from 'vitest';
import type { EngineHandlers, RequestName, WorkerMessage } from '../engine/contract';
import { EngineDispatcher } from './engineDispatcher';

/** A promise settled from outside: a handler that is still working. */
function deferred<T = unknown>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/** A dispatcher over `handlers` (only the ones a case needs), recording what it answers and which handlers ran. */
function setup(handlers: Partial<Record<RequestName, (...args: never[]) => unknown>>) {
  const answers: WorkerMessage[] = [];
  const called: string[] = [];
  const traced = Object.fromEntries(
    Object.entries(handlers).map(([name, h]) => [name, (...args: unknown[]) => (called.push(name), (h as (...a: unknown[]) => unknown)(...args))]),
  );
  const dispatcher = new EngineDispatcher(traced as unknown as EngineHandlers, (m) => answers.push(m));
  const send = (id: number, name: RequestName, ...args: unknown[]) => dispatcher.handle({ type: 'request', id, name, args });
  const answerTo = (id: number) => answers.find((m) => 'id' in m && m.id === id && (m.type === 'reply' || m.type === 'failed'));
  return { dispatcher, send, answers, called, answerTo };
}

const started = { backend: 'cpu' };

describe('EngineDispatcher', () => {
  it('answers a request that does not use the session at once, before any init', async () => {
    const { send, answerTo } = setup({ memory: () => ({ numTensors: 3, numBytes: 12 }) });
    await send(1, 'memory');
    expect(answerTo(1)).toEqual({ type: 'reply', id: 1, value: { numTensors: 3, numBytes: 12 } });
  });

  it('holds a load until init has succeeded, then runs it', async () => {
    const { send, answerTo, called } = setup({ init: () => started, loadDemo: (task: string) => `demo ${task}` });
    const load = send(1, 'loadDemo', 'segmentation');
    await tick();
    expect(called).toEqual([]);
    expect(answerTo(1)).toBeUndefined();
    await send(2, 'init', 'digits.bin');
    await load;
    expect(called).toEqual(['init', 'loadDemo']);
    expect(answerTo(2)).toEqual({ type: 'reply', id: 2, value: started });
    expect(answerTo(1)).toEqual({ type: 'reply', id: 1, value: 'demo segmentation' });
  });

  it('keeps the session closed after a failed init, and opens it on the next one that succeeds', async () => {
    let attempts = 0;
    const { send, answerTo, called } = setup({
      init: () => {
        if (++attempts === 1) throw new Error('no backend could start');
        return started;
      },
      loadDataset: () => 'summary',
    });
    await send(1, 'init', 'digits.bin');
    expect(answerTo(1)).toEqual({ type: 'failed', id: 1, message: 'no backend could start' });
    const load = send(2, 'loadDataset', []);
    await tick();
    expect(called).toEqual(['init']);
    await send(3, 'init', 'digits.bin');
    await load;
    expect(answerTo(2)).toEqual({ type: 'reply', id: 2, value: 'summary' });
  });

  it('gives a streaming handler its request id first, then the arguments', async () => {
    const seen: unknown[][] = [];
    const { send } = setup({ init: () => started, compare: (...args: unknown[]) => (seen.push(args), []) });
    await send(1, 'init', 'digits.bin');
    await send(7, 'compare', ['maskd', 'fitnet'], { steps: 3 });
    expect(seen).toEqual([[7, ['maskd', 'fitnet'], { steps: 3 }]]);
  });

  it('refuses a second run while one is in progress, naming both, and takes one again after it ends', async () => {
    const masks = deferred();
    const { dispatcher, send, answerTo, called } = setup({ init: () => started, learnMasks: () => masks.promise, distill: () => 'distilled' });
    await send(1, 'init', 'digits.bin');
    const first = send(2, 'learnMasks', { steps: 10 });
    await tick();
    expect(dispatcher.busy).toBe(true);
    await send(3, 'distill', { method: 'maskd' });
    expect(answerTo(3)).toEqual({
      type: 'failed',
      id: 3,
      message: 'cannot start distillation: another run (mask learning) is in progress; stop it first',
    });
    expect(called).toEqual(['init', 'learnMasks']);
    masks.resolve({ step: 10, stopped: false });
    await first;
    expect(dispatcher.busy).toBe(false);
    await send(4, 'distill', { method: 'maskd' });
    expect(answerTo(4)).toEqual({ type: 'reply', id: 4, value: 'distilled' });
  });

  it('refuses a run sent before init while another run already waits for it', async () => {
    const { send, answerTo } = setup({ init: () => started, learnMasks: () => 'masks', trainTeacher: () => 'teacher' });
    const waiting = send(1, 'learnMasks', {});
    await send(2, 'trainTeacher', {});
    expect(answerTo(2)).toMatchObject({ type: 'failed', message: 'cannot start teacher training: another run (mask learning) is in progress; stop it first' });
    await send(3, 'init', 'digits.bin');
    await waiting;
    expect(answerTo(1)).toEqual({ type: 'reply', id: 1, value: 'masks' });
  });

  it('lets loads take turns: the second starts only when the first has answered', async () => {
    const demo = deferred();
    const { send, answerTo, called } = setup({ init: () => started, loadDemo: () => demo.promise, loadDataset: () => 'summary' });
    await send(1, 'init', 'digits.bin');
    const first = send(2, 'loadDemo', 'detection');
    const second = send(3, 'loadDataset', []);
    await tick();
    expect(called).toEqual(['init', 'loadDemo']);
    demo.reject(new Error('the teacher did not load'));
    await Promise.all([first, second]);
    expect(called).toEqual(['init', 'loadDemo', 'loadDataset']);
    expect(answerTo(2)).toEqual({ type: 'failed', id: 2, message: 'the teacher did not load' });
    expect(answerTo(3)).toEqual({ type: 'reply', id: 3, value: 'summary' });
  });

  it('answers pause and stop while a run holds the session (they are answered at once)', async () => {
    const masks = deferred();
    const { send, answerTo } = setup({ init: () => started, learnMasks: () => masks.promise, pause: () => undefined, stop: () => masks.resolve('stopped') });
    await send(1, 'init', 'digits.bin');
    const run = send(2, 'learnMasks', {});
    await tick();
    await send(3, 'pause');
    await send(4, 'stop');
    await run;
    expect(answerTo(3)).toEqual({ type: 'reply', id: 3, value: undefined });
    expect(answerTo(2)).toEqual({ type: 'reply', id: 2, value: 'stopped' });
  });

  it('answers a handler that throws (at once or later) as failed, with the error text', async () => {
    const { send, answerTo } = setup({
      setLearningRate: () => {
        throw new Error('no run is in progress: the learning rate is set in the stage settings');
      },
      evaluate: () => Promise.reject(new Error('no models are loaded: load the demo first')),
    });
    await send(1, 'setLearningRate', 0.01);
    await send(2, 'evaluate');
    expect(answerTo(1)).toEqual({ type: 'failed', id: 1, message: 'no run is in progress: the learning rate is set in the stage settings' });
    expect(answerTo(2)).toEqual({ type: 'failed', id: 2, message: 'no models are loaded: load the demo first' });
  });
});
