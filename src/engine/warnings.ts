// The engine's warnings, each with a kind the page acts on.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

/**
 * What a warning is about, so the page can say what to do without reading its words:
 * a non-finite loss that paused the run, collapsing masks, a lost GPU device, a shipped file
 * missing (untrained parts in use), a checkpoint that could not be stored or read.
 */
export type WarningKind = 'nan' | 'collapse' | 'device-lost' | 'missing-file' | 'checkpoint';

export interface EngineWarning {
  readonly kind: WarningKind;
  readonly text: string;
  /** The step it happened at, during a run. */
  readonly step?: number;
}
