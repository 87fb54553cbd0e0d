// Validation metrics of the current student and teacher.
// Plain data and transferable ArrayBuffers only (tensors never cross); imports nothing from src/train.

export type EvaluateTarget = 'student' | 'teacher' | 'both';

export interface MetricValue {
  readonly name: string;
  readonly value: number;
  readonly extra: Readonly<Record<string, number>>;
}

/** Validation metric on the fixed validation scenes (the current student: the live one during a run). */
export interface EvaluateResult {
  readonly valCount: number;
  readonly student?: MetricValue;
  readonly teacher?: MetricValue;
}
