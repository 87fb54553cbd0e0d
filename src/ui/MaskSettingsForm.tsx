import { useAppStore } from '../state/store';
import { CheckField } from './CheckField';
import { NumberField } from './NumberField';
import { rangeOf } from './settingRange';

export function MaskSettingsForm() {
  const mask = useAppStore((s) => s.mask);
  const setMask = useAppStore((s) => s.setMask);
  const busy = useAppStore((s) => s.runPhase !== 'idle');
  return (
    <fieldset className="settings" disabled={busy}>
      <legend>Stage 1 · mask learning</legend>
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
