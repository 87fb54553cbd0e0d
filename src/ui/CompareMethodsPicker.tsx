import { listMethods } from '../maskd/methods';
import { useAppStore } from '../state/store';

const METHOD_LIST = listMethods();

export function CompareMethodsPicker() {
  const chosen = useAppStore((s) => s.compareMethods);
  const toggle = useAppStore((s) => s.toggleCompareMethod);
  const busy = useAppStore((s) => s.runPhase !== 'idle');
  return (
    <fieldset className="settings" disabled={busy}>
      <legend>Compare methods</legend>
      <p className="field-help">Same student init, data order and budget (stage-2 settings above) for each.</p>
      <div className="check-row">
        {METHOD_LIST.map((m) => (
          <label key={m.name} htmlFor={`compare-method-${m.name}`}>
            <input id={`compare-method-${m.name}`} data-testid={`compare-method-${m.name}`} type="checkbox"
              checked={chosen.includes(m.name)} onChange={() => toggle(m.name)} />{' '}
            {m.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
