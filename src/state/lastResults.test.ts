// The last finished run's results are kept (as a run file) when the run ends, offered after a
// reload, restored through the run-file path, replaced by the next run, and dropped when unreadable.
// The store here is a Map-like stand-in for IndexedDB; the browser test (e2e/hostile.spec.ts) uses the real one.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseRunFile } from '../share/runFile';
import { connectEngine, distill, learnMasks } from './actions';
import { setExportEnv } from './exportActions';
import { discardLastResults, keepLastResults, restoreLastResults, type KeptResults, type ResultsStore } from './lastResults';
import { startFromHash, type ShareEnv } from './shareActions';
import { useAppStore } from './store';
import { stubEngineHost, type StubSession } from './testing/stubEngineHost';
import { workInTab } from './work';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();
const env: ShareEnv = { pageUrl: () => 'http://127.0.0.1/', writeClipboard: async () => {}, clearHash: () => {} };
let engines: StubSession[];
let unsubscribe = () => {};

/** IndexedDB as the page uses it: one entry that outlives page loads. */
class MemoryResults implements ResultsStore {
  kept: KeptResults | null = null;
  saves = 0;
  async save(r: KeptResults) {
    this.saves++;
    this.kept = { ...r };
  }
  async load() {
    return this.kept;
  }
  async clear() {
    this.kept = null;
  }
}

let disk: MemoryResults;
let clock = 0;

/** A page load: a fresh store and engine, the same storage. */
async function pageLoad(): Promise<void> {
  unsubscribe();
  useAppStore.setState(initial, true);
  const fh = stubEngineHost();
  engines = fh.engines;
  connectEngine(fh.host);
  setExportEnv({ save: () => {}, png: async () => new Uint8Array(4), now: () => new Date('2026-12-01T00:00:00Z') });
  unsubscribe = keepLastResults(disk, () => new Date(Date.UTC(2026, 11, 1, 12, 0, clock++)));
  await startFromHash('', env);
}

beforeEach(async () => {
  disk = new MemoryResults();
  await pageLoad();
});

describe('last results', () => {
  it('a finished run is kept as a run file; after a reload it is offered and restored whole', async () => {
    expect(s().lastResultsOffer).toBeNull();
    s().setSeed(42);
    s().setMask({ steps: 3 });
    await learnMasks();
    await vi.waitFor(() => expect(disk.saves).toBe(1));
    const run = parseRunFile(disk.kept!.text);
    expect(run.config.seed).toBe(42);
    expect(run.losses).toEqual(s().losses);
    const tokens = await engines[0].exportTokens();
    expect(run.tokens?.tokens).toEqual(tokens.tokens);

    await pageLoad();
    expect(s().losses).toEqual({});
    expect(s().seed).toBe(1);
    expect(s().lastResultsOffer).toEqual({ savedAt: disk.kept!.savedAt, task: 'segmentation', what: 'mask learning to step 3', tokens: true });
    await restoreLastResults();
    expect(s().lastResultsOffer).toBeNull();
    expect(s().seed).toBe(42);
    expect(s().losses).toEqual(run.losses);
    expect(engines[0].calls).toContain(`setTokens:${tokens.tokens.shape.join('x')}`);
    expect((await engines[0].exportTokens()).tokens).toEqual(tokens.tokens);
    // Kept until replaced, and not in a file yet: still work a link or a reload would lose.
    expect(disk.kept).not.toBeNull();
    expect(workInTab(s())).toEqual(['trained or imported tokens', 'results not exported']);
  });

  it('the next run replaces them; Discard forgets them', async () => {
    s().setMask({ steps: 2 });
    await learnMasks();
    await vi.waitFor(() => expect(disk.saves).toBe(1));
    const first = disk.kept!;
    s().setDistill({ steps: 2, evalEvery: 2 });
    await distill();
    await vi.waitFor(() => expect(disk.saves).toBe(2));
    expect(disk.kept!.savedAt > first.savedAt).toBe(true);
    expect(Object.keys(parseRunFile(disk.kept!.text).losses).some((k) => k.startsWith('distill:'))).toBe(true);

    await pageLoad();
    expect(s().lastResultsOffer?.what).toBe('mask learning to step 2, distillation with MasKD to step 2');
    await discardLastResults();
    expect(s().lastResultsOffer).toBeNull();
    expect(disk.kept).toBeNull();
    await pageLoad();
    expect(s().lastResultsOffer).toBeNull();
  });

  it('an unreadable entry is dropped with a warning, and nothing else changes', async () => {
    disk.kept = { text: '{"format":"maskd-playground.run","formatVersion":1}', savedAt: '2026-12-01T00:00:00Z' };
    await pageLoad();
    expect(s().lastResultsOffer).toBeNull();
    expect(disk.kept).toBeNull();
    expect(s().messages.at(-1)).toMatchObject({ level: 'warn', text: expect.stringMatching(/^The last results kept in this browser could not be read and were dropped \(run file: config must be an object\)/) });
    expect(s().demoPhase).toBe('ready');
  });
});
