// Engine messages as notices that say what happened and what to do about it.

export type MessageLevel = 'info' | 'warn' | 'error';
export type MessageKind = 'nan' | 'collapse' | 'device-lost' | 'fallback' | 'missing-file' | 'error' | 'other' | 'model-file';

export interface AppMessage {
  readonly id: number;
  readonly level: MessageLevel;
  readonly kind: MessageKind;
  readonly text: string;
  /** What the user can do about it. */
  readonly hint: string | null;
}

const RULES: readonly { test: RegExp; kind: MessageKind; level: MessageLevel; hint: string }[] = [
  {
    // A user's model file was refused (src/byo): the message names the file and the problem.
    test: /^Could not load the (teacher|student)|^Could not use layer/,
    kind: 'model-file',
    level: 'error',
    hint: 'The models loaded before are unchanged and still in use.',
  },
  {
    test: /non-?finite|\bnan\b|infinit/i,
    kind: 'nan',
    level: 'warn',
    hint: 'The run is paused with its last good state. Lower the learning rate in Setup, then Resume (or Stop and start again).',
  },
  {
    test: /collaps|saturat|identical|alike|covers almost everything|went dark/i,
    kind: 'collapse',
    level: 'warn',
    hint: 'Masks are collapsing. Raise the Dice weight or lower the mask learning rate, then learn masks again.',
  },
  {
    test: /device (was )?lost|device-lost|lost the (gpu|device)/i,
    kind: 'device-lost',
    level: 'error',
    hint: 'The GPU device was lost. The run continues from its last checkpoint on the next backend; close other GPU-heavy tabs, or pick a backend in Setup.',
  },
  {
    test: /fall(ing)? ?back|instead of webgpu/i,
    kind: 'fallback',
    level: 'warn',
    hint: 'Training is slower on this backend. Use a browser with WebGPU (Chrome/Edge 113+) for full speed.',
  },
  {
    test: /not found|missing|no shipped|fresh teacher|untrained|404/i,
    kind: 'missing-file',
    level: 'info',
    hint: 'Masks drawn from untrained tokens are noise: press “Learn masks” to train them.',
  },
];

/** Classifies an engine message by its words; unknown ones pass through as they are. */
export function classifyMessage(text: string, fallbackLevel: MessageLevel): Omit<AppMessage, 'id'> {
  const rule = RULES.find((r) => r.test.test(text));
  if (!rule) return { level: fallbackLevel, kind: fallbackLevel === 'error' ? 'error' : 'other', text, hint: null };
  return { level: fallbackLevel === 'error' ? 'error' : rule.level, kind: rule.kind, text, hint: rule.hint };
}
