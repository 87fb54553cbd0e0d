// The last finished run's results survive a reload: when a run ends, the page keeps it as a run
// file (the Export run format: Setup, tokens, history) in IndexedDB, replacing the one before;
// after a reload the page offers to restore it through the same path as opening a run file
// (restoreRun: all or nothing). The interrupted-run checkpoint (src/train/checkpointStore.ts) is
// the worker's; this one is the page's, in its own database.
import { METHODS, isMethodName } from '../maskd/methodInfo';
import { parseRunFile } from '../share/runFile';
import type { SeriesMap } from '../share/series';
import { errorText } from '../errorText';
import type { LastResultsInfo } from './checkpointSlice';
import { currentRunFile, restoreRun } from './exportActions';
import { store, useAppStore } from './store';
import { withIdbStore } from '../idbStore';

/** A kept run file and when it was kept. */
export interface KeptResults {
  readonly text: string;
  readonly savedAt: string;
}

/** Where the last results go; the page uses IndexedDB, tests a Map. */
export interface ResultsStore {
  save(r: KeptResults): Promise<void>;
  load(): Promise<KeptResults | null>;
  clear(): Promise<void>;
}

const DB_NAME = 'maskd-playground-results';
const STORE = 'results';
const KEY = 'last';

function withStore<T>(mode: IDBTransactionMode, body: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return withIdbStore(DB_NAME, STORE, mode, body);
}

/** The browser's IndexedDB, or null where there is none (Node) or it is blocked. */
export function indexedDbResults(): ResultsStore | null {
  if (typeof indexedDB === 'undefined') return null;
  return {
    save: async (r) => {
      await withStore('readwrite', (s) => s.put({ text: r.text, savedAt: r.savedAt }, KEY));
    },
    load: async () => {
      const raw = (await withStore('readonly', (s) => s.get(KEY) as IDBRequest<unknown>)) as Partial<KeptResults> | undefined;
      if (raw === undefined) return null;
      if (typeof raw !== 'object' || raw === null || typeof raw.text !== 'string' || typeof raw.savedAt !== 'string') throw new Error('the kept results are not a run file');
      return { text: raw.text, savedAt: raw.savedAt };
    },
    clear: async () => {
      await withStore('readwrite', (s) => s.delete(KEY));
    },
  };
}

let results: ResultsStore | null = null;
let now: () => Date = () => new Date();

/** What the history holds, in words, from its loss series' last steps. */
export function describeHistory(losses: SeriesMap): string {
  const parts: string[] = [];
  const rank = (stage: string) => (stage === 'masks' ? 1 : stage === 'distill' ? 2 : 0);
  const series = Object.values(losses).sort((a, b) => rank(a.stage) - rank(b.stage) || a.key.localeCompare(b.key));
  for (const s of series) {
    if (s.term !== 'total' || s.points.length === 0) continue;
    const last = s.points[s.points.length - 1].x;
    const what = s.stage === 'masks' ? 'mask learning' : s.stage === 'distill' ? `distillation with ${s.method && isMethodName(s.method) ? METHODS[s.method].label : 'no method'}` : `${s.stage} training`;
    parts.push(`${what} to step ${last}`);
  }
  return parts.join(', ') || 'settings only';
}

/** Keeps the last results there (the page passes IndexedDB's, tests their own); returns the unsubscriber. */
export function keepLastResults(where: ResultsStore | null, clock: () => Date = () => new Date()): () => void {
  results = where;
  now = clock;
  if (!where) return () => {};
  return useAppStore.subscribe((s, prev) => {
    // A run ended (finished, stopped or failed after some steps): its results replace the kept ones.
    if (prev.runPhase !== 'idle' && s.runPhase === 'idle' && (Object.keys(s.losses).length || Object.keys(s.metrics).length)) void saveLastResults();
  });
}

/** Writes the page's run now; a failure is a warning, the run itself is unaffected. */
export async function saveLastResults(): Promise<void> {
  const where = results;
  if (!where) return;
  try {
    const at = now();
    const { text } = await currentRunFile(at);
    await where.save({ text, savedAt: at.toISOString() });
  } catch (err) {
    store().pushMessage(`The results of this run could not be kept in the browser for after a reload (${errorText(err)}); export the run to keep them.`, 'warn');
  }
}

/** After a reload: offers the kept results when there are some (an unreadable entry is dropped with a warning). */
export async function offerLastResults(): Promise<void> {
  const where = results;
  if (!where) return;
  try {
    const kept = await where.load();
    if (!kept) return;
    const run = parseRunFile(kept.text);
    const info: LastResultsInfo = { savedAt: kept.savedAt, task: run.config.task, what: describeHistory(run.losses), tokens: run.tokens !== null };
    store().setLastResultsOffer(info);
  } catch (err) {
    await where.clear().catch(() => {});
    store().pushMessage(`The last results kept in this browser could not be read and were dropped (${errorText(err)}).`, 'warn');
  }
}

/** Restores the kept results the way a run file opens (all or nothing); they stay kept until a run replaces them. */
export async function restoreLastResults(): Promise<void> {
  const where = results;
  const offer = store().lastResultsOffer;
  if (!where || !offer) return;
  const s = store();
  if (s.runPhase !== 'idle' || s.demoPhase !== 'ready') {
    s.pushMessage('Cannot restore the last results while a run is in progress or the demo is loading: wait, then press Restore again.', 'warn');
    return;
  }
  let run;
  try {
    const kept = await where.load();
    if (!kept) throw new Error('they are no longer stored');
    run = parseRunFile(kept.text);
  } catch (err) {
    store().setLastResultsOffer(null);
    store().pushMessage(`The last results could not be restored: ${errorText(err)}.`, 'error');
    return;
  }
  if (await restoreRun(run, `the last results (kept ${new Date(offer.savedAt).toLocaleString()})`, 'storage')) store().setLastResultsOffer(null);
}

/** Forgets the kept results. */
export async function discardLastResults(): Promise<void> {
  store().setLastResultsOffer(null);
  try {
    await results?.clear();
  } catch (err) {
    store().pushMessage(`Could not discard the kept results: ${errorText(err)}`, 'warn');
  }
}
