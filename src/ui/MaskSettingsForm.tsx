import { useAppStore } from '../state/store';
import { CheckField } from './CheckField';
import { NumberField } from './NumberField';

export function MaskSettingsForm() {
  const mask = useAppStore((s) => s.mask);
  const setMask = useAppStore((s) => s.setMask);
  const busy = useAppStore((s) => s.runPhase !== 'idle');
  return (
    <fieldset className="settings" disabled={busy}>
      <legend>Stage 1 · mask learning</legend>
      <NumberField id="mask-tokens" label="Tokens T" integer min={1} max={32} value={mask.numTokens} onCommit={(v) => setMask({ numTokens: v })}
        help="Receptive tokens, one mask each. Reference: 8 (segmentation), 6 (detection)." />
      <NumberField id="mask-dice" label="Dice weight" min={0} value={mask.diceWeight} onCommit={(v) => setMask({ diceWeight: v })}
        help="Weight of the Dice diversity loss that keeps the masks apart." />
      <NumberField id="mask-lr" label="Learning rate" min={0} max={1} value={mask.lr} onCommit={(v) => setMask({ lr: v })}
        help="Adam with cosine decay; reference 0.01." />
      <NumberField id="mask-steps" label="Steps" integer min={1} max={100000} value={mask.steps} onCommit={(v) => setMask({ steps: v })}
        help="Reference: 2000; the demo converges in a few hundred." />
      <NumberField id="mask-batch" label="Batch size" integer min={1} max={128} value={mask.batchSize} onCommit={(v) => setMask({ batchSize: v })} />
      <CheckField id="mask-token-weights" label="Token-weight branch" checked={mask.tokenWeights} onChange={(v) => setMask({ tokenWeights: v })}
        help="Learns a per-image weight for each token (conv, pool, softmax)." />
    </fieldset>
  );
}
