import { beforeEach, expect, it } from 'vitest';
import { learnMasks, startApp, connectEngine } from './actions';
import { measureTokens } from './tokenReportActions';
import { currentTokenReport } from './tokenReportSlice';
import { useAppStore } from './store';
import { stubEngineHost, type StubSession } from './testing/stubEngineHost';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();
let engines: StubSession[];

beforeEach(() => {
  useAppStore.setState(initial, true);
  const fh = stubEngineHost();
  engines = fh.engines;
  connectEngine(fh.host);
});

it('measures the shown tokens; a later run makes the report stale', async () => {
  await startApp();
  await measureTokens();
  expect(engines[0].calls).toContain('tokenReport:256');
  const report = currentTokenReport(s());
  expect(report?.numTokens).toBe(4);
  expect(report?.liveCount).toBe(4);
  s().setMask({ steps: 2 });
  await learnMasks();
  // The gallery was cleared for the run: those masks are not the ones measured.
  expect(currentTokenReport(s())).toBeNull();
});

it('an engine refusal (no tokens) is a message, and the button can be pressed again', async () => {
  await startApp();
  engines[0].shippedTokens = false;
  await measureTokens();
  expect(s().tokenReportPhase).toBe('failed');
  expect(s().messages.at(-1)).toMatchObject({ level: 'error', text: expect.stringMatching(/no receptive tokens yet/) });
  expect(currentTokenReport(s())).toBeNull();
});
