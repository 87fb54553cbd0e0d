export interface CheckFieldProps {
  id: string;
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  help?: string;
  disabled?: boolean;
}

export function CheckField({ id, label, checked, onChange, help, disabled }: CheckFieldProps) {
  const helpId = help ? `${id}-help` : undefined;
  return (
    <div className="field field-check">
      <label htmlFor={id}>
        <input
          id={id}
          data-testid={id}
          type="checkbox"
          checked={checked}
          disabled={disabled}
          aria-describedby={helpId}
          onChange={(e) => onChange(e.target.checked)}
        />{' '}
        {label}
      </label>
      {help && (
        <span className="field-help" id={helpId}>
          {help}
        </span>
      )}
    </div>
  );
}
