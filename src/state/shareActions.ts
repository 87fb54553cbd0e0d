// Share links: building one from the page, and opening one read-only. A link is data only:
// decoded, validated and bounded by linkCodec, never executed or used as a URL.
import { buildLinkState, isShippedTeacher, setupFromLink, snapshotFromLinkMasks, studentInitOfRef } from '../share/buildLinkState';
import { branchStateFromLink, serializedFromLinkTokens } from '../share/linkAdapters';
import { decodeLink, describeDegradation, encodeLink, isShareHash, linkErrorBounds } from '../share/linkCodec';
import type { LinkState } from '../share/linkSchema';
import type { QuantBits } from '../share/quantize';
import { currentEngine, startApp } from './actions';
import { store } from './store';
import { offerLastResults } from './lastResults';
import { applyTokens, readyForTokens } from './tokenActions';
import { warnBeforeLeaving, workInTab } from './work';
import { errorText } from '../errorText';

/** What sharing needs from the browser; tests pass their own. */
export interface ShareEnv {
  /** The page URL without its fragment. */
  pageUrl(): string;
  writeClipboard(text: string): Promise<void>;
  /** Drops the fragment from the address bar (no reload). */
  clearHash(): void;
}

export function browserShareEnv(): ShareEnv {
  return {
    pageUrl: () => location.href.split('#')[0],
    writeClipboard: (text) => (navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject(new Error('no clipboard'))),
    clearHash: () => history.replaceState(history.state, '', location.pathname + location.search),
  };
}

/** Page start: a share link in the fragment opens the read-only view, anything else the playground. */
export async function startFromHash(hash: string, env: ShareEnv = browserShareEnv()): Promise<void> {
  if (!isShareHash(hash)) return startPlayground();
  const decoded = decodeLink(hash);
  if (!decoded.ok) {
    env.clearHash();
    store().pushMessage(`${decoded.error} The normal playground is open instead; ask for a fresh link.`, 'error');
    return startPlayground();
  }
  if (decoded.clamped.length) {
    store().pushMessage(`This link holds settings outside the Setup ranges; they were clamped. ${decoded.clamped.join('. ')}.`, 'info');
  }
  return openSharedLink(decoded.state, decoded.tokenBits, env);
}

/** The normal playground: the engine and demo, then the last run's results when this browser kept some. */
async function startPlayground(): Promise<void> {
  await startApp();
  await offerLastResults();
}

/** How the page leaves or rewrites its address; tests pass their own. */
export interface PageNav {
  /** Loads the page again at its current address. */
  reload(): void;
  /** Puts `url` in the address bar in place of the current entry (no reload, no hashchange). */
  replaceUrl(url: string): void;
}

export function browserNav(): PageNav {
  return {
    reload: () => location.reload(),
    replaceUrl: (url) => history.replaceState(history.state, '', url),
  };
}

/** Set once the user chose to leave (opening a pasted link): beforeunload no longer asks again. */
let leaving = false;

function leave(nav: PageNav): void {
  leaving = true;
  nav.reload();
}

/**
 * The address bar's fragment changed (a link pasted over this page's address). An ordinary
 * fragment is left alone. An invalid share link never reloads: the decoder's refusal is shown and
 * the previous address put back. A valid one reloads the page to open it — at once when the tab
 * holds no work, else only after the user says so (pendingLink, answered by openPendingLink or
 * keepWorkForLink).
 */
export function linkPasted(url: string, previousUrl: string, nav: PageNav = browserNav()): void {
  const at = url.indexOf('#');
  const hash = at < 0 ? '' : url.slice(at);
  if (!isShareHash(hash)) return;
  const decoded = decodeLink(hash);
  if (!decoded.ok) {
    nav.replaceUrl(store().pendingLink?.previousUrl ?? previousUrl);
    store().pushMessage(`${decoded.error} The page was not reloaded: everything in it is as it was.`, 'error');
    return;
  }
  const work = workInTab(store());
  if (work.length === 0) return leave(nav);
  // A second link pasted while the question is open replaces the first; the address to go back to stays.
  store().setPendingLink({ url, previousUrl: store().pendingLink?.previousUrl ?? previousUrl, work });
}

/** "Open the shared masks": the page reloads at the link's address (the work in it is given up). */
export function openPendingLink(nav: PageNav = browserNav()): void {
  const pending = store().pendingLink;
  if (!pending) return;
  store().setPendingLink(null);
  nav.replaceUrl(pending.url);
  leave(nav);
}

/** "Keep my work": the link is not opened and the address it replaced comes back; nothing else changes. */
export function keepWorkForLink(nav: PageNav = browserNav()): void {
  const pending = store().pendingLink;
  if (!pending) return;
  store().setPendingLink(null);
  nav.replaceUrl(pending.previousUrl);
}

/** Whether `beforeunload` should ask: a run is active or results are unsaved, and the user has not already chosen to leave. */
export function shouldWarnBeforeUnload(): boolean {
  return !leaving && warnBeforeLeaving(store());
}

function applySetup(state: LinkState): void {
  const s = setupFromLink(state);
  if (s.task && s.task !== store().task) store().setTask(s.task);
  store().setSeed(s.seed);
  // The demo loads after this with the link's student init (startApp → loadDemo).
  const init = studentInitOfRef(state.models.student, state.task);
  if (init) store().setStudentInit(init);
  store().setMask(s.mask);
  store().setDistill(s.distill);
  if (s.method) for (const [key, value] of Object.entries(s.params)) store().setMethodParam(s.method, key, value);
}

function linkTokens(state: LinkState) {
  const tokens = serializedFromLinkTokens(state.tokens);
  const branch = state.tokenWeights ? branchStateFromLink(state.tokenWeights, state.tokens.channels, state.tokens.numTokens) : undefined;
  return { tokens, branch };
}

/** Shows a decoded link read-only: embedded masks at once, or tokens rebuilt on the shipped teacher. */
export async function openSharedLink(state: LinkState, tokenBits: QuantBits, env: ShareEnv = browserShareEnv()): Promise<void> {
  const bounds = linkErrorBounds(state, tokenBits);
  const base = { state, tokenBits, tokenBound: bounds.tokens, maskBound: bounds.masks };
  applySetup(state);
  const images = snapshotFromLinkMasks(state);
  if (images) {
    // Nothing to compute: draw the link's own mask images; the engine starts on "Continue".
    store().clearSnapshots();
    store().snapshotReceived(images);
    store().setSharedView({ ...base, phase: 'ready', source: 'images' });
    return;
  }
  const fail = async (why: string) => {
    store().setSharedView(null);
    env.clearHash();
    store().pushMessage(`This share link cannot be shown: ${why} The normal playground is open instead.`, 'error');
  };
  if (!isShippedTeacher(state.models.teacher, state.task)) {
    await fail(`it names a teacher ("${state.models.teacher.kind === 'builtin' ? state.models.teacher.id : state.models.teacher.hex}") that this page does not ship, and carries no mask images.`);
    return startApp();
  }
  store().setSharedView({ ...base, phase: 'loading', source: 'tokens' });
  await startApp();
  const s = store();
  if (s.demoPhase !== 'ready') return fail('the demo did not load (see the message above).');
  if (s.teacher?.source !== `builtin:${state.task}-teacher`) return fail(`the shipped ${state.task} teacher could not be loaded, so its masks cannot be rebuilt.`);
  try {
    const { tokens, branch } = linkTokens(state);
    await applyTokens(tokens, branch, state.previews.length ? state.previews : undefined);
    store().setSharedView({ ...base, phase: 'ready', source: 'tokens' });
  } catch (err) {
    await fail(`${errorText(err)}.`);
  }
}

/** Leaves the read-only view for the normal playground, keeping the shared tokens. */
export async function continueFromShared(env: ShareEnv = browserShareEnv()): Promise<void> {
  const view = store().sharedView;
  if (!view || view.phase !== 'ready') return;
  store().setSharedView(null);
  env.clearHash();
  if (view.source === 'tokens') return offerLastResults(); // the engine already holds the tokens and draws their masks
  await startApp();
  if (store().demoPhase !== 'ready') return;
  try {
    const { tokens, branch } = linkTokens(view.state);
    await applyTokens(tokens, branch, view.state.previews);
  } catch (err) {
    store().pushMessage(`The shared tokens do not fit the ${store().task} teacher (${errorText(err)}); its own tokens are shown instead.`, 'warn');
  }
  await offerLastResults();
}

/** Builds, encodes and copies a link to the current masks; the outcome is shown by SharePanel. */
export async function shareCurrent(env: ShareEnv = browserShareEnv()): Promise<void> {
  if (!readyForTokens('share')) return;
  const s = store();
  if (!s.teacher || !s.student) return;
  let state: LinkState;
  try {
    const file = await currentEngine().exportTokens();
    const snapshots = store().snapshots;
    state = buildLinkState({
      task: s.task,
      teacherSource: s.teacher.source,
      studentSource: s.student.source,
      tapLayer: s.teacher.tapLayer,
      seed: s.seed,
      mask: s.mask,
      distill: s.distill,
      tokens: file.tokens,
      branch: file.branch,
      previewSeeds: s.previewSeeds,
      snapshot: snapshots[snapshots.length - 1] ?? null,
    });
  } catch (err) {
    store().setShareOutcome({ ok: false, error: `Cannot share: ${errorText(err)}.` });
    return;
  }
  const enc = encodeLink(state);
  if (!enc.ok) {
    store().setShareOutcome({ ok: false, error: enc.error });
    return;
  }
  const bounds = linkErrorBounds(enc.state, enc.tokenBits);
  const url = env.pageUrl() + enc.hash;
  const notes = enc.degraded.map(describeDegradation);
  const outcome = { ok: true as const, url, chars: enc.hash.length, tokenBits: enc.tokenBits, tokenBound: bounds.tokens, maskBound: bounds.masks, notes };
  store().setShareOutcome({ ...outcome, clipboard: 'pending' });
  let clipboard: 'copied' | 'refused' = 'copied';
  try {
    await env.writeClipboard(url);
  } catch {
    clipboard = 'refused';
  }
  if (store().shareOutcome?.ok && (store().shareOutcome as { url: string }).url === url) store().setShareOutcome({ ...outcome, clipboard });
}
