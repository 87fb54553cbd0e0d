// A share link pasted into the address bar (a hash change): an invalid one never reloads and
// shows the decoder's refusal; a valid one reloads at once in a tab without work, and otherwise
// only after the user says so — "Keep my work" restores the previous address and changes nothing.
// beforeunload asks while a run is active or results are unsaved.
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeLink } from '../share/linkCodec';
import type { LinkState } from '../share/linkSchema';
import { connectEngine, learnMasks } from './actions';
import { exportRun, setExportEnv } from './exportActions';
import { keepWorkForLink, linkPasted, openPendingLink, shouldWarnBeforeUnload, startFromHash, type PageNav, type ShareEnv } from './shareActions';
import { useAppStore } from './store';
import { stubEngineHost, type StubSession } from './testing/stubEngineHost';
import { workInTab } from './work';

const initial = useAppStore.getState();
const s = () => useAppStore.getState();
const env: ShareEnv = { pageUrl: () => 'http://127.0.0.1/', writeClipboard: async () => {}, clearHash: () => {} };
let engines: StubSession[];
let nav: PageNav & { log: string[] };

const PAGE = 'http://127.0.0.1/?backend=wasm';

function link(hyper: LinkState['hyper'] = {}): string {
  const enc = encodeLink({
    v: 1,
    task: 'segmentation',
    models: { teacher: { kind: 'builtin', id: 'segmentation-teacher' }, student: { kind: 'builtin', id: 'segmentation-student' } },
    seed: 3,
    hyper,
    tokens: { numTokens: 2, channels: 64, data: Float32Array.from({ length: 128 }, (_, i) => i / 200) },
    previews: [1, 2],
  });
  if (!enc.ok) throw new Error(enc.error);
  return enc.hash;
}

beforeEach(async () => {
  useAppStore.setState(initial, true);
  const fh = stubEngineHost();
  engines = fh.engines;
  connectEngine(fh.host);
  const log: string[] = [];
  nav = { log, reload: () => log.push('reload'), replaceUrl: (url) => log.push(`replace ${url}`) };
  setExportEnv({ save: () => {}, png: async () => new Uint8Array(4), now: () => new Date('2026-12-01T00:00:00Z') });
  await startFromHash('', env);
});

describe('what counts as work', () => {
  it('a fresh page with the shipped tokens holds none; each kind of work is named', () => {
    expect(workInTab(s())).toEqual([]);
    expect(shouldWarnBeforeUnload()).toBe(false);
    useAppStore.setState({ runPhase: 'paused' });
    expect(workInTab(s())).toEqual(['a paused run']);
    useAppStore.setState({ runPhase: 'running', ownTokens: true, customTeacher: true });
    expect(workInTab(s())).toEqual(['a run in progress', 'trained or imported tokens', 'a teacher trained on your dataset']);
    useAppStore.setState({ runPhase: 'idle', ownTokens: false, customTeacher: false, dataset: { task: 'segmentation' } as never, byo: { teacher: { info: {} as never, source: 'x' }, student: null } });
    expect(workInTab(s())).toEqual(['a loaded dataset', 'your own models']);
  });

  it('learned tokens and their history are work until the run is exported; the next run makes them unsaved again', async () => {
    s().setMask({ steps: 2 });
    await learnMasks();
    expect(workInTab(s())).toEqual(['trained or imported tokens', 'results not exported']);
    expect(shouldWarnBeforeUnload()).toBe(true);
    await exportRun();
    expect(workInTab(s())).toEqual(['trained or imported tokens']);
    expect(shouldWarnBeforeUnload()).toBe(false);
    await learnMasks();
    expect(shouldWarnBeforeUnload()).toBe(true);
    // A run in progress is asked about whatever was saved.
    useAppStore.setState({ runPhase: 'running', savedHistory: { losses: s().losses, metrics: s().metrics } });
    expect(shouldWarnBeforeUnload()).toBe(true);
  });
});

describe('a link pasted into the address bar', () => {
  it('an ordinary fragment is left alone', () => {
    linkPasted(`${PAGE}#section`, PAGE, nav);
    expect(nav.log).toEqual([]);
    expect(s().pendingLink).toBeNull();
  });

  it('an invalid link never reloads, even without work: the refusal is shown and the address put back', () => {
    const before = s().messages.length;
    linkPasted(`${PAGE}#mkd1.AAAAnot-a-link`, PAGE, nav);
    expect(nav.log).toEqual([`replace ${PAGE}`]);
    expect(s().pendingLink).toBeNull();
    expect(s().messages.length).toBe(before + 1);
    expect(s().messages.at(-1)).toMatchObject({ level: 'error', text: expect.stringMatching(/^This share link cannot be opened: .* The page was not reloaded: everything in it is as it was\.$/) });
  });

  it('with trained tokens it asks; Keep my work restores the address and changes nothing', async () => {
    s().setMask({ steps: 2 });
    await learnMasks();
    const tokens = await engines[0].exportTokens();
    const before = { losses: s().losses, snapshots: s().snapshots, tokens: s().tokens, seed: s().seed };
    const url = `${PAGE}${link()}`;
    linkPasted(url, `${PAGE}#before`, nav);
    expect(nav.log).toEqual([]);
    expect(s().pendingLink).toEqual({ url, previousUrl: `${PAGE}#before`, work: ['trained or imported tokens', 'results not exported'] });
    // Another link pasted while it asks: the question is about the new one, going back still goes to the first address.
    const second = `${PAGE}${link({ batchSize: 4 })}`;
    linkPasted(second, url, nav);
    expect(s().pendingLink).toMatchObject({ url: second, previousUrl: `${PAGE}#before` });
    keepWorkForLink(nav);
    expect(nav.log).toEqual([`replace ${PAGE}#before`]);
    expect(s().pendingLink).toBeNull();
    expect({ losses: s().losses, snapshots: s().snapshots, tokens: s().tokens, seed: s().seed }).toEqual(before);
    expect(await engines[0].exportTokens()).toEqual(tokens);
    expect(engines[0].calls.filter((c) => c.startsWith('setTokens') || c.startsWith('loadDemo'))).toEqual(['loadDemo:segmentation']);
  });

  it('a link with settings outside the Setup ranges opens with a note naming each clamped one', async () => {
    useAppStore.setState(initial, true);
    await startFromHash(link({ batchSize: 4096, maskIterations: 1e7 }), env);
    expect(s().messages.map((m) => m.text)).toContain(
      'This link holds settings outside the Setup ranges; they were clamped. Learn masks: steps 10 000 000 is outside 1–100 000; set to 100 000. Distill: batch size 4 096 is outside 1–128; set to 128.',
    );
    expect(s().distill.batchSize).toBe(128);
  });

  // Last two: once the page chose to leave, beforeunload stays quiet for the rest of this module.
  it('Open the shared masks reloads at the link’s address, and beforeunload does not ask again', async () => {
    s().setMask({ steps: 2 });
    await learnMasks();
    expect(shouldWarnBeforeUnload()).toBe(true);
    const url = `${PAGE}${link()}`;
    linkPasted(url, PAGE, nav);
    expect(s().pendingLink).not.toBeNull();
    openPendingLink(nav);
    expect(nav.log).toEqual([`replace ${url}`, 'reload']);
    expect(s().pendingLink).toBeNull();
    expect(shouldWarnBeforeUnload()).toBe(false);
  });

  it('a valid link in a tab without work reloads at once', () => {
    linkPasted(`${PAGE}${link()}`, PAGE, nav);
    expect(nav.log).toEqual(['reload']);
    expect(s().pendingLink).toBeNull();
  });
});
