// Notices that say what happened and what to do about it. The kind comes with the message — the
// engine sends its warnings with theirs (src/engine/warnings.ts WarningKind), the page's actions name
// their own — so nothing here reads the words.
import type { EngineWarning, WarningKind } from '../engine/warnings';
import { LIMITS } from '../limits';
import { clip } from '../messageQuote';

export type MessageLevel = 'info' | 'warn' | 'error';
export type MessageKind = WarningKind | 'model-file' | 'error' | 'other';

export interface AppMessage {
  readonly id: number;
  readonly level: MessageLevel;
  readonly kind: MessageKind;
  readonly text: string;
  /** What the user can do about it. */
  readonly hint: string | null;
}

/** The hint each kind of notice carries. */
export const MESSAGE_HINTS: Readonly<Record<MessageKind, string | null>> = {
  nan: 'The run is paused with its last good state. Lower the learning rate in Setup, then Resume (or Stop and start again).',
  collapse: 'Masks are collapsing. Raise the Dice weight or lower the mask learning rate, then learn masks again.',
  'device-lost': 'The GPU device was lost. The run continues from its last checkpoint on the next backend; close other GPU-heavy tabs, or pick a backend in Setup.',
  checkpoint: 'The run goes on, but a reload may not be able to resume it.',
  'untrained-teacher': 'An untrained teacher has nothing to teach: its masks and what a student distils from it mean little. Load a trained teacher.',
  'untrained-student': 'The demo student starts from a fresh init, not the shipped pretrained backbone: it learns far more slowly, and a short run leaves it near the floor.',
  'untrained-tokens': 'Masks drawn from untrained tokens are noise: press “Learn masks” to train them.',
  'tokens-dropped': 'Tokens fit one tap of one teacher: press “Learn masks” to learn them for this one.',
  'label-free': null,
  'input-size': null,
  dataset: null,
  'model-file': 'The models loaded before are unchanged and still in use.',
  error: null,
  other: null,
};

/** How loud each of the engine's warnings is. */
export const WARNING_LEVELS: Readonly<Record<WarningKind, MessageLevel>> = {
  nan: 'warn',
  collapse: 'warn',
  'device-lost': 'warn',
  checkpoint: 'warn',
  'untrained-teacher': 'info',
  'untrained-student': 'warn',
  'untrained-tokens': 'info',
  'tokens-dropped': 'info',
  'label-free': 'info',
  'input-size': 'info',
  dataset: 'info',
};

/** Where a notice goes: the store's `pushMessage`. */
export type PushMessage = (text: string, level: MessageLevel, kind?: MessageKind) => void;

/** Every warning of an engine reply as a notice of its kind (`prefix` says what it is about). */
export function pushWarnings(push: PushMessage, warnings: readonly EngineWarning[], prefix = ''): void {
  for (const w of warnings) push(`${prefix}${w.text}`, WARNING_LEVELS[w.kind], w.kind);
}

/**
 * A page notice of `level`; its kind defaults to 'error' for errors and 'other' otherwise. Its text
 * is cut at LIMITS.noticeChars, whatever a message quoted.
 */
export function makeMessage(id: number, text: string, level: MessageLevel, kind: MessageKind = level === 'error' ? 'error' : 'other'): AppMessage {
  return { id, level, kind, text: clip(text, LIMITS.noticeChars.value), hint: MESSAGE_HINTS[kind] };
}
