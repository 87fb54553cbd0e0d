// The first-run guide's three steps and which are done, derived from the store alone.
import type { AppState } from '../state/store';

export type GuideStep = 'masks' | 'distill' | 'compare';

export const GUIDE_STEPS: readonly { step: GuideStep; title: string; what: string; button: string }[] = [
  { step: 'masks', title: 'Learn masks', what: 'tokens find what the teacher looks at', button: 'run-learn-masks' },
  { step: 'distill', title: 'Distill', what: 'the student copies the teacher inside each mask', button: 'run-distill' },
  { step: 'compare', title: 'Compare', what: 'with and without', button: 'run-compare' },
];

export type GuideState = Pick<AppState, 'losses' | 'runKind' | 'comparedMethods' | 'compareRows'>;

const hasLosses = (s: GuideState, stage: 'masks' | 'distill') =>
  Object.values(s.losses).some((series) => series.stage === stage && series.points.length > 0);

/**
 * A step is done once a run of it has ended with curves to show: masks learnt (stage-1 losses),
 * a distillation finished (stage-2 losses, from Distill or a comparison), a comparison with a row
 * for every method it ran. A run still going does not count (a comparison running counts as the
 * distillation done: it is step 3 in progress).
 */
export function guideDone(s: GuideState, step: GuideStep): boolean {
  switch (step) {
    case 'masks':
      return s.runKind !== 'masks' && hasLosses(s, 'masks');
    case 'distill':
      // A comparison distils too: while one runs, step 3 is the one in progress.
      return s.runKind === 'compare' || (s.runKind !== 'distill' && hasLosses(s, 'distill'));
    case 'compare':
      return s.runKind !== 'compare' && !!s.comparedMethods?.length && s.comparedMethods.every((m) => s.compareRows.some((r) => r.method === m));
  }
}

/** The step to do next (the first not done), or null when all three are. */
export function guideCurrent(s: GuideState): GuideStep | null {
  return GUIDE_STEPS.find((g) => !guideDone(s, g.step))?.step ?? null;
}
