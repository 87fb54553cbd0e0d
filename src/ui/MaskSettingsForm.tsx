import { labelFreeReason } from '../state/objective';
import { useAppStore } from '../state/store';
import type { MaskObjective } from '../engine/types';
import { CheckField } from './CheckField';
import { NumberField } from './NumberField';
import { rangeOf } from './settingRange';

export function MaskSettingsForm() {
  const mask = useAppStore((s) => s.mask);
  const setMask = useAppStore((s) => s.setMask);
  const busy = useAppStore((s) => s.runPhase !== 'idle');
  const asked = useAppStore((s) => s.maskObjective);
  const setObjective = useAppStore((s) => s.setMaskObjective);
  const noLabels = useAppStore(labelFreeReason);
  const objective: MaskObjective = noLabels ? 'teacher' : asked;
  return (
    <fieldset className="settings" disabled={busy}>
      <legend>Stage 1 · mask learning</legend>
      <div className="field">
        <label htmlFor="mask-objective">Objective</label>
        <select id="mask-objective" data-testid="mask-objective" value={objective} aria-describedby="mask-objective-help"
          onChange={(e) => setObjective(e.target.value as MaskObjective)}>
          <option value="task" disabled={noLabels !== null}>Task loss (labels)</option>
          <option value="teacher">Teacher’s own output (no labels)</option>
        </select>
        <span className="field-help" id="mask-objective-help" data-testid="mask-objective-help" data-auto={noLabels ? 'true' : 'false'}>
          {noLabels
            ? `Chosen automatically: no labels fit the teacher (${noLabels}). The head run on the masked feature learns to reproduce the teacher’s own output.`
            : objective === 'teacher'
              ? 'The head run on the masked feature reproduces the teacher’s own output on the full feature (cross-entropy on its probabilities, normalised L2 on values), plus Dice.'
              : 'The head run on the masked feature is scored by the task loss against the labels, plus Dice.'}
        </span>
      </div>
      <NumberField id="mask-tokens" label="Tokens T" {...rangeOf('maskTokens')} value={mask.numTokens} onCommit={(v) => setMask({ numTokens: v })}
        help="Receptive tokens, one mask each. Reference: 8 (segmentation), 6 (detection)." />
      <NumberField id="mask-dice" label="Dice weight" {...rangeOf('diceWeight')} value={mask.diceWeight} onCommit={(v) => setMask({ diceWeight: v })}
        help="Weight of the Dice diversity loss that keeps the masks apart." />
      <NumberField id="mask-lr" label="Learning rate" {...rangeOf('maskLr')} value={mask.lr} onCommit={(v) => setMask({ lr: v })}
        help="Adam with cosine decay; reference 0.01." />
      <NumberField id="mask-steps" label="Steps" {...rangeOf('maskSteps')} value={mask.steps} onCommit={(v) => setMask({ steps: v })}
        help="Reference: 2000; the demo converges in a few hundred." />
      <NumberField id="mask-batch" label="Batch size" {...rangeOf('maskBatch')} value={mask.batchSize} onCommit={(v) => setMask({ batchSize: v })} />
      <CheckField id="mask-token-weights" label="Token-weight branch" checked={mask.tokenWeights} onChange={(v) => setMask({ tokenWeights: v })}
        help="Learns a per-image weight for each token (conv, pool, softmax)." />
    </fieldset>
  );
}
