// The engine's warnings, each with a kind the page acts on.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

/**
 * What a warning is about, so the page can say what to do without reading its words. During a
 * run: a non-finite loss that paused it, collapsing masks, a lost GPU device, a checkpoint that
 * could not be stored or read. In a load's reply: a fresh, untrained teacher in use (no shipped
 * one for the task or input size), a demo student starting fresh because the shipped pretrained
 * backbone is missing or does not fit, shipped tokens that could not be used (the masks are
 * untrained), tokens dropped because the teacher's tap changed, a teacher no labels fit (the
 * stages learn from its own outputs), scenes regenerated at a user teacher's input size, and
 * what a dropped dataset lacks or had ignored.
 */
export type WarningKind =
  | 'nan'
  | 'collapse'
  | 'device-lost'
  | 'checkpoint'
  | 'untrained-teacher'
  | 'untrained-student'
  | 'untrained-tokens'
  | 'tokens-dropped'
  | 'label-free'
  | 'input-size'
  | 'dataset';

export interface EngineWarning {
  readonly kind: WarningKind;
  readonly text: string;
  /** The step it happened at, during a run. */
  readonly step?: number;
}
