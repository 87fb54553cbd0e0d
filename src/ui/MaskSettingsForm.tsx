import { labelFreeReason } from '../state/objective';
import { useAppStore } from '../state/store';
import type { LrSchedule, MaskObjective, MaskOptimizer } from '../engine/runConfigs';
import { MASK_RECIPE_IDS, MASK_RECIPES, recipeOf, type MaskRecipeId } from '../share/maskRecipes';
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
  const task = useAppStore((s) => s.task);
  const applyRecipe = useAppStore((s) => s.applyMaskRecipe);
  const objective: MaskObjective = noLabels ? 'teacher' : asked;
  // Derived, not stored: editing any field a recipe sets makes it "Custom".
  const recipe = recipeOf(mask, task);
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
      <div className="field">
        <label htmlFor="mask-recipe">Recipe</label>
        <select id="mask-recipe" data-testid="mask-recipe" value={recipe} aria-describedby="mask-recipe-help"
          onChange={(e) => e.target.value !== 'custom' && applyRecipe(e.target.value as MaskRecipeId)}>
          {MASK_RECIPE_IDS.map((id) => (
            <option key={id} value={id}>{MASK_RECIPES[id].label}</option>
          ))}
          <option value="custom">Custom</option>
        </select>
        <span className="field-help" id="mask-recipe-help" data-testid="mask-recipe-help">
          {recipe === 'custom'
            ? 'Your own settings: pick a recipe to fill the optimiser, learning rate, schedule, weight decay, tokens and branch again.'
            : MASK_RECIPES[recipe].help}
        </span>
      </div>
      <NumberField id="mask-tokens" label="Tokens T" {...rangeOf('maskTokens')} value={mask.numTokens} onCommit={(v) => setMask({ numTokens: v })}
        help="Receptive tokens, one mask each. Reference: 8 (segmentation), 6 (detection)." />
      <NumberField id="mask-dice" label="Dice weight" {...rangeOf('diceWeight')} value={mask.diceWeight} onCommit={(v) => setMask({ diceWeight: v })}
        help="Weight of the Dice diversity loss that keeps the masks apart." />
      <div className="field">
        <label htmlFor="mask-optimizer">Optimiser</label>
        <select id="mask-optimizer" data-testid="mask-optimizer" value={mask.optimizer} onChange={(e) => setMask({ optimizer: e.target.value as MaskOptimizer })}>
          <option value="adam">Adam</option>
          <option value="sgd">SGD with momentum</option>
        </select>
      </div>
      <NumberField id="mask-lr" label="Learning rate" {...rangeOf('maskLr')} value={mask.lr} onCommit={(v) => setMask({ lr: v })}
        help="Reference: Adam 0.01 (detection), SGD 0.1 (segmentation)." />
      {mask.optimizer === 'sgd' && (
        <NumberField id="mask-momentum" label="Momentum" {...rangeOf('maskMomentum')} value={mask.momentum} onCommit={(v) => setMask({ momentum: v })}
          help="Heavy-ball momentum, no Nesterov (PyTorch’s SGD). Reference 0.9." />
      )}
      <NumberField id="mask-weight-decay" label="Weight decay" {...rangeOf('maskWeightDecay')} value={mask.weightDecay} onCommit={(v) => setMask({ weightDecay: v })}
        help="L2 on the tokens and branch, added to the gradient (PyTorch’s weight_decay). Reference 1e-3." />
      <div className="field">
        <label htmlFor="mask-schedule">Schedule</label>
        <select id="mask-schedule" data-testid="mask-schedule" value={mask.schedule} aria-describedby="mask-schedule-help"
          onChange={(e) => setMask({ schedule: e.target.value as LrSchedule })}>
          <option value="cosine">Cosine</option>
          <option value="poly">Poly (power 0.9)</option>
        </select>
        <span className="field-help" id="mask-schedule-help">
          {mask.schedule === 'poly' ? 'lr·(1 − step/steps)^0.9, as the reference segmentation code’s adjust_lr.' : 'Cosine annealing from the learning rate to the final one.'}
        </span>
      </div>
      {mask.schedule === 'cosine' && (
        <NumberField id="mask-min-lr" label="Final learning rate" {...rangeOf('maskMinLr')} value={mask.minLr} onCommit={(v) => setMask({ minLr: v })}
          help="Where the cosine ends (mmcv’s min_lr). Reference detection 1e-6." />
      )}
      <NumberField id="mask-steps" label="Steps" {...rangeOf('maskSteps')} value={mask.steps} onCommit={(v) => setMask({ steps: v })}
        help="Reference: 2000; the demo converges in a few hundred." />
      <NumberField id="mask-batch" label="Batch size" {...rangeOf('maskBatch')} value={mask.batchSize} onCommit={(v) => setMask({ batchSize: v })} />
      <CheckField id="mask-token-weights" label="Token-weight branch" checked={mask.tokenWeights} onChange={(v) => setMask({ tokenWeights: v })}
        help="Learns a per-image weight for each token (conv, pool, softmax)." />
    </fieldset>
  );
}
