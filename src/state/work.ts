// What in this tab would be lost if it reloaded: the work a share link pasted into the address
// bar must not replace without asking, and what `beforeunload` warns about. Pure: read from the
// store's state.
import type { AppState } from './store';

type WorkState = Pick<
  AppState,
  'runPhase' | 'ownTokens' | 'dataset' | 'customTeacher' | 'byo' | 'losses' | 'metrics' | 'savedHistory'
>;

/** Whether the charts hold results that are not in a run file the user has (exported or opened). */
export function unsavedResults(s: Pick<WorkState, 'losses' | 'metrics' | 'savedHistory'>): boolean {
  const any = Object.keys(s.losses).length > 0 || Object.keys(s.metrics).length > 0;
  if (!any) return false;
  return !(s.savedHistory && s.savedHistory.losses === s.losses && s.savedHistory.metrics === s.metrics);
}

/** The work in this tab, in words (empty: nothing a reload would lose). */
export function workInTab(s: WorkState): string[] {
  const work: string[] = [];
  if (s.runPhase === 'paused') work.push('a paused run');
  else if (s.runPhase !== 'idle') work.push('a run in progress');
  if (s.ownTokens) work.push('trained or imported tokens');
  if (s.dataset) work.push('a loaded dataset');
  if (s.byo.teacher || s.byo.student) work.push('your own models');
  else if (s.customTeacher) work.push('a teacher trained on your dataset');
  if (unsavedResults(s)) work.push('results not exported');
  return work;
}

/** Whether leaving the page (reload, close, another URL) should ask first: a run is active, or results are unsaved. */
export function warnBeforeLeaving(s: WorkState): boolean {
  return s.runPhase !== 'idle' || unsavedResults(s);
}
