// Keyboard shortcuts of the run bar, decided from the event alone so it can be tested in Node.

export type Shortcut = 'togglePause' | 'step';

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** tagName of the event target, upper case ('INPUT', 'BUTTON', ...). */
  readonly targetTag: string;
  readonly targetEditable: boolean;
  /** type attribute when the target is an input. */
  readonly targetType?: string;
}

const TEXT_INPUTS = new Set(['text', 'number', 'search', 'email', 'url', 'tel', 'password']);

/**
 * Space pauses/resumes and `.` steps, except while typing (text fields, selects, editable
 * content) or with a modifier. On a focused button or checkbox Space keeps its own meaning
 * unless a run is active, when it pauses instead.
 */
export function shortcutFor(e: KeyLike, runActive: boolean): Shortcut | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.targetEditable) return null;
  const tag = e.targetTag;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return null;
  if (tag === 'INPUT' && TEXT_INPUTS.has(e.targetType ?? 'text')) return null;
  if (e.key === ' ' || e.key === 'Spacebar') {
    if (!runActive) return null;
    return 'togglePause';
  }
  if (e.key === '.') {
    if (tag === 'INPUT' && e.targetType === 'range') return null;
    return runActive ? 'step' : null;
  }
  return null;
}
