import { describe, expect, it } from 'vitest';
import { runOneShot, type JobEnd, type OneShotWorker } from './oneShotWorker';

type Reply = { kind: 'progress' } | { kind: 'done'; value: number } | { kind: 'failed' };

/** A worker under the test's hand: it records what it was sent and whether it was terminated. */
function handWorker() {
  const w = {
    posted: [] as string[],
    terminated: 0,
    onmessage: null as ((e: MessageEvent<Reply>) => void) | null,
    onerror: null as ((e: ErrorEvent) => void) | null,
    onmessageerror: null as ((e: MessageEvent) => void) | null,
    postMessage(m: string) {
      w.posted.push(m);
    },
    terminate() {
      w.terminated++;
    },
    say: (r: Reply) => w.onmessage?.({ data: r } as MessageEvent<Reply>),
    die: (message: string) => {
      let prevented = false;
      w.onerror?.({ message, preventDefault: () => void (prevented = true) } as ErrorEvent);
      return prevented;
    },
  };
  return w satisfies OneShotWorker<string, Reply>;
}

const job = (budgetMs?: number) => ({
  reply: (r: Reply): JobEnd<number> | undefined => (r.kind === 'progress' ? undefined : r.kind === 'done' ? { value: r.value } : { error: new Error('refused') }),
  crashed: (why: string): JobEnd<number> => ({ error: new Error(`crashed: ${why || '?'}`) }),
  ...(budgetMs === undefined ? {} : { budgetMs, timedOut: (): JobEnd<number> => ({ error: new Error('timed out') }) }),
});

describe('a one-shot worker job', () => {
  it('posts the request once; progress does not end it, the answer does, and the worker is terminated once', async () => {
    const w = handWorker();
    const { result } = runOneShot(w, 'job-1', job());
    expect(w.posted).toEqual(['job-1']);
    w.say({ kind: 'progress' });
    expect(w.terminated).toBe(0);
    w.say({ kind: 'done', value: 7 });
    w.say({ kind: 'done', value: 8 });
    await expect(result).resolves.toBe(7);
    expect(w.terminated).toBe(1);
    expect(w.onmessage).toBeNull();
  });

  it('a refusing answer rejects with the job\'s error', async () => {
    const w = handWorker();
    const { result } = runOneShot(w, 'x', job());
    w.say({ kind: 'failed' });
    await expect(result).rejects.toThrow('refused');
    expect(w.terminated).toBe(1);
  });

  it('a crash ends it with its message (the event is kept from the page), an unreadable reply likewise', async () => {
    const w = handWorker();
    const { result } = runOneShot(w, 'x', job());
    expect(w.die('Out of memory')).toBe(true);
    await expect(result).rejects.toThrow('crashed: Out of memory');
    expect(w.terminated).toBe(1);

    const v = handWorker();
    const second = runOneShot(v, 'x', job()).result;
    v.onmessageerror?.({} as MessageEvent);
    await expect(second).rejects.toThrow('crashed: its reply could not be read');
  });

  it('the budget stops a worker that never answers; a late answer changes nothing', async () => {
    const w = handWorker();
    const onMessage = () => w.onmessage;
    const { result } = runOneShot(w, 'x', job(10));
    const late = onMessage();
    await expect(result).rejects.toThrow('timed out');
    expect(w.terminated).toBe(1);
    late?.({ data: { kind: 'done', value: 1 } } as MessageEvent<Reply>);
    expect(w.terminated).toBe(1);
  });

  it('cancel ends it at once with the given end; an answer within the budget clears the timer', async () => {
    const w = handWorker();
    const running = runOneShot(w, 'x', job(10_000));
    running.cancel({ value: -1 });
    await expect(running.result).resolves.toBe(-1);
    running.cancel({ error: new Error('again') });
    expect(w.terminated).toBe(1);

    const v = handWorker();
    const answered = runOneShot(v, 'x', job(30));
    v.say({ kind: 'done', value: 3 });
    await expect(answered.result).resolves.toBe(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(v.terminated).toBe(1);
  });
});
