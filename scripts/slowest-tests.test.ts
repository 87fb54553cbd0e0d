import { expect, it } from 'vitest';
import { slowestReport } from './slowest-tests';

it('lists the slowest tests with their share of the timeout and names those over 40%', () => {
  const report = slowestReport('Unit tests', [
    { name: 'a', ms: 1_000, timeoutMs: 60_000 },
    { name: 'b', ms: 30_000, timeoutMs: 60_000 },
    { name: 'c', ms: 500, timeoutMs: 60_000 },
  ], 2);
  expect(report.split('\n')).toEqual([
    'Unit tests: the 2 slowest of 3',
    '  1. 30.0 s (50% of its 60 s timeout)  b',
    '  2. 1.0 s (2% of its 60 s timeout)  a',
    '  1 test(s) used more than 40% of their timeout: b',
  ]);
  expect(slowestReport('x', [{ name: 'a', ms: 1, timeoutMs: 10 }])).toMatch(/no test used more than 40% of its timeout$/);
});
