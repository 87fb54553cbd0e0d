// Test-only: runs a fast-check property on a parser of untrusted bytes with a time and memory
// bound per input. Each input must give a value or a refusal of the parser's own error class
// (never an untyped error); no input may take more than `maxMs` of this process's CPU time or grow
// the process's ArrayBuffer or heap memory by more than `maxBytes` while it is parsed. The time is
// CPU time (process.cpuUsage; vitest runs each file in its own process), not wall-clock time: other
// processes on a loaded machine stretch wall time, not this process's CPU time, so a bound far
// above any real parse fails on a hang or a quadratic scan and never on the machine's load.
import fc from 'fast-check';
import { expect } from 'vitest';

export interface BoundedOptions {
  readonly numRuns?: number;
  /** Per input, ms of CPU time (default 250 ms: far above any real parse, far below a hang). */
  readonly maxMs?: number;
  /** Per input, ArrayBuffers + JS heap (default 64 MiB). */
  readonly maxBytes?: number;
  readonly seed?: number;
}

export interface BoundedStats {
  accepted: number;
  refused: number;
  slowestMs: number;
  largestBytes: number;
}

type ErrorClass = abstract new (...args: never[]) => Error;

function memory(): number {
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
}

/** This process's CPU time (user + system), ms. */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU ms that `fn` takes (of this process: unaffected by other processes' load), with its result. */
export function cpuTimed<T>(fn: () => T): { value: T; cpuMs: number } {
  const t0 = cpuNow();
  const value = fn();
  return { value, cpuMs: cpuNow() - t0 };
}

/** cpuTimed for a promise-returning `fn`; its awaits count only the CPU this process spent. */
export async function cpuTimedAsync<T>(fn: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const t0 = cpuNow();
  const value = await fn();
  return { value, cpuMs: cpuNow() - t0 };
}

/**
 * fc.assert over `arb`: `parse` must return (accepted) or throw an instance of `refusal` whose
 * message is non-empty (refused). Returns counts and the worst time and memory growth seen.
 */
export function assertBounded<T>(arb: fc.Arbitrary<T>, parse: (input: T) => unknown, refusal: ErrorClass | readonly ErrorClass[], options: BoundedOptions = {}): BoundedStats {
  const classes = Array.isArray(refusal) ? refusal : [refusal as ErrorClass];
  const maxMs = options.maxMs ?? 250;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const stats: BoundedStats = { accepted: 0, refused: 0, slowestMs: 0, largestBytes: 0 };
  fc.assert(
    fc.property(arb, (input) => {
      const m0 = memory();
      const t0 = cpuNow();
      let failure: Error | null = null;
      try {
        parse(input);
        stats.accepted++;
      } catch (err) {
        if (!classes.some((c) => err instanceof c)) {
          failure = new Error(`untyped error (${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}) for input ${fc.stringify(input).slice(0, 200)}`, { cause: err });
        } else if (!(err as Error).message) failure = new Error('a refusal without a message', { cause: err });
        else stats.refused++;
      }
      const peak = memory() - m0;
      let ms = cpuNow() - t0;
      // A garbage-collection pause can land on any input: time a slow one again before failing.
      if (ms > maxMs && !failure) ms = Math.min(ms, timeOnce(() => parse(input)));
      stats.slowestMs = Math.max(stats.slowestMs, ms);
      stats.largestBytes = Math.max(stats.largestBytes, peak);
      if (failure) throw failure;
      if (ms > maxMs) throw new Error(`took ${ms.toFixed(0)} ms of CPU (> ${maxMs} ms) on input ${fc.stringify(input).slice(0, 200)}`);
      if (peak > maxBytes) throw new Error(`grew memory by ${(peak / 2 ** 20).toFixed(1)} MiB (> ${maxBytes / 2 ** 20} MiB) on input ${fc.stringify(input).slice(0, 200)}`);
    }),
    { numRuns: scaled(options.numRuns ?? 300), ...(options.seed !== undefined ? { seed: options.seed } : {}) },
  );
  report(stats);
  return stats;
}

/** Milliseconds one call takes, whatever it throws. */
function timeOnce(fn: () => unknown): number {
  const t0 = cpuNow();
  try {
    fn();
  } catch {
    // the first call already judged the outcome
  }
  return cpuNow() - t0;
}

/** FUZZ_SCALE=n runs every property n times as often (a deeper search than the default few seconds). */
function scaled(runs: number): number {
  const k = Number(process.env.FUZZ_SCALE ?? 1);
  return Number.isFinite(k) && k > 0 ? Math.round(runs * k) : runs;
}

/** FUZZ_STATS=1 prints each property's counts and worst case (for the fuzz-test table in docs/architecture.md). */
function report(stats: BoundedStats): void {
  if (!process.env.FUZZ_STATS) return;
  const name = expect.getState().currentTestName ?? '?';
  console.log(`[fuzz] ${name}: ${stats.accepted} accepted, ${stats.refused} refused, slowest ${stats.slowestMs.toFixed(1)} ms, largest growth ${(stats.largestBytes / 2 ** 20).toFixed(1)} MiB`);
}

/** Bytes with a few random edits: overwritten bytes, a cut, an inserted run. */
export function mutatedBytes(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), v: fc.nat(255) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), v: fc.constant(0) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), v: fc.nat(255) }),
    fc.record({ kind: fc.constant('ff' as const), at: fc.nat(), v: fc.constant(255) }),
  );
  return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([bytes, edits]) => {
    let b = Uint8Array.from(bytes);
    for (const e of edits) {
      if (b.length === 0) break;
      const i = e.at % b.length;
      if (e.kind === 'set') b[i] = e.v;
      else if (e.kind === 'cut') b = b.slice(0, i);
      else if (e.kind === 'insert') b = Uint8Array.from([...b.subarray(0, i), e.v, e.v, e.v, ...b.subarray(i)]);
      else b.fill(0xff, i, Math.min(b.length, i + 4));
    }
    return b;
  });
}

/** An ArrayBuffer holding exactly `bytes` (not a view on a larger one). */
export const bufferOf = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

/** assertBounded for async parsers (fc.asyncProperty); the same contract per input. */
export async function assertBoundedAsync<T>(
  arb: fc.Arbitrary<T>,
  parse: (input: T) => Promise<unknown>,
  refusal: ErrorClass | readonly ErrorClass[],
  options: BoundedOptions = {},
): Promise<BoundedStats> {
  const classes = Array.isArray(refusal) ? refusal : [refusal as ErrorClass];
  const maxMs = options.maxMs ?? 250;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const stats: BoundedStats = { accepted: 0, refused: 0, slowestMs: 0, largestBytes: 0 };
  await fc.assert(
    fc.asyncProperty(arb, async (input) => {
      const m0 = memory();
      const t0 = cpuNow();
      let failure: Error | null = null;
      try {
        await parse(input);
        stats.accepted++;
      } catch (err) {
        if (!classes.some((c) => err instanceof c)) {
          failure = new Error(`untyped error (${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}) for input ${fc.stringify(input).slice(0, 200)}`, { cause: err });
        } else if (!(err as Error).message) failure = new Error('a refusal without a message', { cause: err });
        else stats.refused++;
      }
      const peak = memory() - m0;
      let ms = cpuNow() - t0;
      if (ms > maxMs && !failure) {
        const t1 = cpuNow();
        await parse(input).catch(() => undefined);
        ms = Math.min(ms, cpuNow() - t1);
      }
      stats.slowestMs = Math.max(stats.slowestMs, ms);
      stats.largestBytes = Math.max(stats.largestBytes, peak);
      if (failure) throw failure;
      if (ms > maxMs) throw new Error(`took ${ms.toFixed(0)} ms of CPU (> ${maxMs} ms) on input ${fc.stringify(input).slice(0, 200)}`);
      if (peak > maxBytes) throw new Error(`grew memory by ${(peak / 2 ** 20).toFixed(1)} MiB (> ${maxBytes / 2 ** 20} MiB) on input ${fc.stringify(input).slice(0, 200)}`);
    }),
    { numRuns: scaled(options.numRuns ?? 200), ...(options.seed !== undefined ? { seed: options.seed } : {}) },
  );
  report(stats);
  return stats;
}
