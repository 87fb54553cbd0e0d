import { useState } from 'react';

export interface NumberFieldProps {
  id: string;
  label: string;
  value: number;
  onCommit: (v: number) => void;
  help?: string;
  min?: number;
  max?: number;
  step?: number | 'any';
  integer?: boolean;
  disabled?: boolean;
}

/** A labelled number input that only commits valid values and says why others are not. */
export function NumberField({ id, label, value, onCommit, help, min, max, step = 'any', integer, disabled }: NumberFieldProps) {
  const [draft, setDraft] = useState(String(value));
  // Follow outside changes (task switch, defaults) unless the draft already means the same number.
  if (Number(draft) !== value && draft.trim() !== '' && !Number.isNaN(Number(draft)) && problem(Number(draft)) === null) {
    setDraft(String(value));
  }

  function problem(v: number): string | null {
    if (!Number.isFinite(v)) return 'enter a number';
    if (integer && !Number.isInteger(v)) return 'enter a whole number';
    if (min !== undefined && v < min) return `at least ${min}`;
    if (max !== undefined && v > max) return `at most ${max}`;
    return null;
  }

  const parsed = draft.trim() === '' ? Number.NaN : Number(draft);
  const error = problem(parsed);
  const helpId = help ? `${id}-help` : undefined;
  const errId = error ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={id}
        type="number"
        inputMode="decimal"
        value={draft}
        min={min}
        max={max}
        step={step}
        disabled={disabled}
        aria-invalid={error !== null}
        aria-describedby={[helpId, errId].filter(Boolean).join(' ') || undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          const v = e.target.value.trim() === '' ? Number.NaN : Number(e.target.value);
          if (problem(v) === null) onCommit(v);
        }}
      />
      {error && (
        <span className="field-error" id={errId} role="status">
          ⚠ {error}
        </span>
      )}
      {help && (
        <span className="field-help" id={helpId}>
          {help}
        </span>
      )}
    </div>
  );
}
