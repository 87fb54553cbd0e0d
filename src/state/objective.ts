// Whether labels fit the teacher in use, read from the store: a loaded teacher whose outputs are
// not the labels (the engine said why when it loaded it), or a dataset of images only. Stage 1
// then learns from the teacher's own output, whatever the Setup choice.
import type { AppState } from './store';

export function labelFreeReason(s: Pick<AppState, 'byo' | 'byoLabelFree' | 'teacher' | 'dataMode' | 'dataset' | 'customTeacher'>): string | null {
  const userTeacher = s.byo.teacher && s.teacher?.source === s.byo.teacher.source;
  if (userTeacher && s.byoLabelFree) return s.byoLabelFree;
  if (s.dataMode === 'custom' && s.customTeacher && s.dataset && !s.dataset.labelled) return 'the dataset has images only, no labels';
  return null;
}
