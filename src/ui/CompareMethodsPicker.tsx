import { listMethods } from '../maskd/methodInfo';
import { useAppStore } from '../state/store';
import { NumberField } from './NumberField';
import { rangeOf } from './settingRange';

const METHOD_LIST = listMethods();

export function CompareMethodsPicker() {
  const chosen = useAppStore((s) => s.compareMethods);
  const toggle = useAppStore((s) => s.toggleCompareMethod);
  const seeds = useAppStore((s) => s.compareSeeds);
  const seed = useAppStore((s) => s.seed);
  const setSeeds = useAppStore((s) => s.setCompareSeeds);
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
      <NumberField id="compare-seeds" label="Seeds" {...rangeOf('compareSeeds')} value={seeds} onCommit={setSeeds}
        help={seeds > 1
          ? `The whole comparison once per seed (${seed} to ${seed + seeds - 1}: each its own student init and data order); the table shows mean ± the seeds' standard deviation. ${seeds}× the time.`
          : 'Run the comparison over more seeds to see the spread between them (each seed takes as long as one comparison).'} />
    </fieldset>
  );
}
