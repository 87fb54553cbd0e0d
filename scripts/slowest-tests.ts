// The slowest tests of a run with the share of their timeout they used, printed at the end by
// both test runners' reporters (scripts/slowest-vitest-reporter.ts, e2e/slowest-reporter.ts):
// a test that needs more than 40% of its timeout would fail on a machine twice as slow.

export interface TestTiming {
  readonly name: string;
  readonly ms: number;
  readonly timeoutMs: number;
}

export const TIMEOUT_SHARE_LIMIT = 0.4;

export function slowestReport(title: string, timings: readonly TestTiming[], count = 5): string {
  const slowest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, count);
  const over = timings.filter((t) => t.timeoutMs > 0 && t.ms > TIMEOUT_SHARE_LIMIT * t.timeoutMs);
  const lines = slowest.map((t, i) => {
    const share = t.timeoutMs > 0 ? `${Math.round((100 * t.ms) / t.timeoutMs)}% of its ${Math.round(t.timeoutMs / 1000)} s timeout` : 'no timeout';
    return `  ${i + 1}. ${(t.ms / 1000).toFixed(1)} s (${share})  ${t.name}`;
  });
  const verdict = over.length
    ? `${over.length} test(s) used more than ${TIMEOUT_SHARE_LIMIT * 100}% of their timeout: ${over.map((t) => t.name).join('; ')}`
    : `no test used more than ${TIMEOUT_SHARE_LIMIT * 100}% of its timeout`;
  return [`${title}: the ${slowest.length} slowest of ${timings.length}`, ...lines, `  ${verdict}`].join('\n');
}
