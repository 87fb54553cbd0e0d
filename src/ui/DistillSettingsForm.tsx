import { listMethods, METHODS, type MethodName } from '../maskd/methodInfo';
import { useAppStore } from '../state/store';
import { CheckField } from './CheckField';
import { NumberField } from './NumberField';
import { paramRange, rangeOf } from './settingRange';

const METHOD_LIST = listMethods();

export function DistillSettingsForm() {
  const distill = useAppStore((s) => s.distill);
  const setDistill = useAppStore((s) => s.setDistill);
  const setParam = useAppStore((s) => s.setMethodParam);
  const busy = useAppStore((s) => s.runPhase !== 'idle');
  const descriptor = METHODS[distill.method];
  const values = distill.params[distill.method];
  return (
    <fieldset className="settings" disabled={busy}>
      <legend>Stage 2 · distillation</legend>
      <div className="field">
        <label htmlFor="distill-method">Method</label>
        <select id="distill-method" data-testid="distill-method" value={distill.method} aria-describedby="distill-method-help"
          onChange={(e) => setDistill({ method: e.target.value as MethodName })}>
          {METHOD_LIST.map((m) => (
            <option key={m.name} value={m.name}>{m.label}</option>
          ))}
        </select>
        <span className="field-help" id="distill-method-help">{descriptor.help}</span>
      </div>
      {descriptor.params.map((spec) => {
        const id = `distill-param-${spec.key}`;
        const v = values[spec.key];
        return spec.kind === 'boolean' ? (
          <CheckField key={id} id={id} label={spec.label} help={spec.help} checked={v === true} onChange={(b) => setParam(distill.method, spec.key, b)} />
        ) : (
          <NumberField key={`${distill.method}-${id}`} id={id} label={spec.label} help={spec.help} {...paramRange(spec.key, spec)}
            value={typeof v === 'number' ? v : 0} onCommit={(n) => setParam(distill.method, spec.key, n)} />
        );
      })}
      <NumberField id="distill-lr" label="Student learning rate" {...rangeOf('distillLr')} value={distill.lr} onCommit={(v) => setDistill({ lr: v })}
        help="Adam with cosine decay, for the student and the align module." />
      <NumberField id="distill-steps" label="Steps" {...rangeOf('distillSteps')} value={distill.steps} onCommit={(v) => setDistill({ steps: v })} />
      <NumberField id="distill-batch" label="Batch size" {...rangeOf('distillBatch')} value={distill.batchSize} onCommit={(v) => setDistill({ batchSize: v })} />
      <NumberField id="distill-eval-every" label="Validate every" {...rangeOf('evalEvery')} value={distill.evalEvery} onCommit={(v) => setDistill({ evalEvery: v })}
        help="Steps between validation passes (and at the end)." />
      <NumberField id="distill-val-count" label="Validation scenes" {...rangeOf('valCount')} value={distill.valCount} onCommit={(v) => setDistill({ valCount: v })}
        help="Fixed, seeded held-out scenes per validation pass." />
    </fieldset>
  );
}
