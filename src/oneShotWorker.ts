// A throwaway worker for one job: posted one message, then terminated on the first of its answer,
// a crash, a reply that cannot be read, the time budget or a cancel. The job settles once, with what
// the caller makes of that event; whatever the job did in the worker ends with it.

/** The Worker API a one-shot job needs (a browser Worker satisfies it). */
export interface OneShotWorker<Request, Reply> {
  onmessage: ((e: MessageEvent<Reply>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  onmessageerror: ((e: MessageEvent) => void) | null;
  postMessage(message: Request): void;
  terminate(): void;
}

/** How a job ends: a value, or an error the promise rejects with. */
export type JobEnd<T> = { readonly value: T } | { readonly error: Error };

export interface OneShotJob<Reply, T> {
  /** The end a reply makes, or undefined for a reply that does not end the job (progress). */
  readonly reply: (reply: Reply) => JobEnd<T> | undefined;
  /** The end when the worker dies: `why` is the error event's message (may be empty) or says the reply could not be read. */
  readonly crashed: (why: string) => JobEnd<T>;
  /** With timedOut: how long the worker has before it is stopped. */
  readonly budgetMs?: number;
  readonly timedOut?: () => JobEnd<T>;
}

export interface RunningJob<T> {
  readonly result: Promise<T>;
  /** Stops the worker now and ends the job with `end` (nothing, once it has ended). */
  readonly cancel: (end: JobEnd<T>) => void;
}

export function runOneShot<Request, Reply, T>(worker: OneShotWorker<Request, Reply>, request: Request, job: OneShotJob<Reply, T>): RunningJob<T> {
  let finish: (end: JobEnd<T>) => void = () => {};
  const result = new Promise<T>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ended = false;
    finish = (end) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      worker.onmessage = null;
      worker.onerror = null;
      worker.onmessageerror = null;
      worker.terminate();
      if ('error' in end) reject(end.error);
      else resolve(end.value);
    };
    if (job.budgetMs !== undefined && job.timedOut) {
      const timedOut = job.timedOut;
      timer = setTimeout(() => finish(timedOut()), job.budgetMs);
    }
    worker.onmessage = (e) => {
      const end = job.reply(e.data);
      if (end) finish(end);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      finish(job.crashed(e.message));
    };
    worker.onmessageerror = () => finish(job.crashed('its reply could not be read'));
    worker.postMessage(request);
  });
  return { result, cancel: (end) => finish(end) };
}
