// Playwright reporter (beside list/html): the five slowest browser tests and their share of the timeout.
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { slowestReport, type TestTiming } from '../scripts/slowest-tests';

export default class SlowestTestsReporter implements Reporter {
  private readonly timings: TestTiming[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === 'skipped') return;
    this.timings.push({ name: test.titlePath().filter(Boolean).slice(1).join(' › '), ms: result.duration, timeoutMs: test.timeout });
  }

  onEnd(): void {
    if (this.timings.length) console.log(`\n${slowestReport('Browser tests', this.timings)}\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
