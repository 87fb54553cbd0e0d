// Vitest reporter (beside the default one): the five slowest tests and their share of the timeout.
import type { Reporter, TestModule } from 'vitest/node';
import { slowestReport, type TestTiming } from './slowest-tests';

export default class SlowestTestsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const timings: TestTiming[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const diagnostic = test.diagnostic();
        if (!diagnostic) continue;
        // A test's own timeout (it(name, fn, ms)) is on its options; else the project's default.
        const timeoutMs = (test.options as { timeout?: number }).timeout ?? module.project.config.testTimeout;
        timings.push({ name: `${module.relativeModuleId} › ${test.fullName}`, ms: diagnostic.duration, timeoutMs });
      }
    }
    if (timings.length) console.log(`\n${slowestReport('Unit tests', timings)}\n`);
  }
}
