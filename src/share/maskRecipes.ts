// Stage 1 recipes: the reference code's settings for learning the receptive tokens, and the
// playground's own, as presets of the Setup panel (docs/experiments.md, "Stage 1 recipes"). A recipe fills the
// fields below; any other value makes the settings "Custom". Pure data: no store, no React.
import type { Task } from '../models/nets';
import type { MaskSettings } from './settings';

export type MaskRecipeId = 'reference-detection' | 'reference-segmentation' | 'playground';
export const MASK_RECIPE_IDS: readonly MaskRecipeId[] = ['reference-detection', 'reference-segmentation', 'playground'];

/** The fields a recipe sets; steps, batch and the Dice weight stay the user's. */
export type RecipeFields = Pick<MaskSettings, 'optimizer' | 'lr' | 'momentum' | 'weightDecay' | 'schedule' | 'minLr' | 'numTokens' | 'tokenWeights'>;
export const RECIPE_KEYS: readonly (keyof RecipeFields)[] = ['optimizer', 'lr', 'momentum', 'weightDecay', 'schedule', 'minLr', 'numTokens', 'tokenWeights'];

export interface MaskRecipe {
  readonly id: MaskRecipeId;
  readonly label: string;
  /** One line: what it sets and the reference file it comes from. */
  readonly help: string;
  readonly fields: (task: Task) => RecipeFields;
}

export const MASK_RECIPES: { readonly [K in MaskRecipeId]: MaskRecipe } = {
  'reference-detection': {
    id: 'reference-detection',
    label: 'Reference detection',
    help:
      'Adam 0.01, cosine to 1e-6, weight decay 1e-3, 6 tokens with the token-weight branch: hunto/MasKD ' +
      'mmdetection/configs/maskd/retinanet_r101_fpn_2x_coco.py (optimizer, lr_config, 2000 iterations; its MasKDHook, ' +
      'mmdetection/maskd_hook.py, with num_tokens=6, weight_mask=True).',
    fields: () => ({ optimizer: 'adam', lr: 0.01, momentum: 0.9, weightDecay: 1e-3, schedule: 'cosine', minLr: 1e-6, numTokens: 6, tokenWeights: true }),
  },
  'reference-segmentation': {
    id: 'reference-segmentation',
    label: 'Reference segmentation',
    help:
      'SGD 0.1 with momentum 0.9, weight decay 1e-3, poly decay (power 0.9), 8 tokens, no token weights: hunto/MasKD ' +
      'segmentation/train_mask_module.py (torch.optim.SGD, adjust_lr, MaskModule(channels=19, num_tokens=8)).',
    fields: () => ({ optimizer: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 1e-3, schedule: 'poly', minLr: 0, numTokens: 8, tokenWeights: false }),
  },
  playground: {
    id: 'playground',
    label: 'Playground',
    help:
      'Adam, cosine to 0, weight decay 1e-3; segmentation: lr 0.001, 8 tokens without token weights; detection: lr 0.003, ' +
      '6 with them. This page’s own recipe: mmdetection/configs/maskd/retinanet_r101_fpn_2x_coco.py at a lower learning ' +
      'rate, which kept more tokens live on both demos (docs/experiments.md, Stage 1 recipes).',
    fields: (task) => ({
      optimizer: 'adam', lr: task === 'segmentation' ? 0.001 : 0.003, momentum: 0.9, weightDecay: 1e-3, schedule: 'cosine', minLr: 0,
      numTokens: task === 'segmentation' ? 8 : 6, tokenWeights: task !== 'segmentation',
    }),
  },
};

/**
 * The recipe the settings follow now, or 'custom' when a field differs from every recipe. Fields
 * that do nothing under the recipe (momentum with Adam, the final lr with poly) are not compared.
 */
export function recipeOf(mask: RecipeFields, task: Task): MaskRecipeId | 'custom' {
  for (const id of MASK_RECIPE_IDS) {
    const f = MASK_RECIPES[id].fields(task);
    const used = (k: keyof RecipeFields) => !((k === 'momentum' && f.optimizer !== 'sgd') || (k === 'minLr' && f.schedule !== 'cosine'));
    if (RECIPE_KEYS.every((k) => !used(k) || f[k] === mask[k])) return id;
  }
  return 'custom';
}

/** The settings with a recipe's fields filled in. */
export function withRecipe(mask: MaskSettings, id: MaskRecipeId, task: Task): MaskSettings {
  return { ...mask, ...MASK_RECIPES[id].fields(task) };
}

/**
 * Each task's default recipe: the reference recipe of that task, unless another measured more live
 * tokens (docs/experiments.md, "Stage 1 recipes": 200 steps with each recipe on the shipped teachers, seeds 1–3,
 * live tokens over 256 validation scenes, never test ones). Both tasks: the playground recipe. Segmentation:
 * 6, 6, 6 of 8 live at lr 0.001 against 3, 3, 4 at 0.003 and the reference segmentation recipe's 0, 0, 1.
 * Detection: 3, 3, 3 of 6 at lr 0.003 against the reference detection recipe's 2, 1, 2 (lr 0.001
 * keeps 6, 5, 6 there, but broad or faint: the large ones cover the background about as much as the digits).
 */
export const DEFAULT_RECIPE: Readonly<Record<Task, MaskRecipeId>> = {
  segmentation: 'playground',
  detection: 'playground',
};

/** What stage-1 settings from before the recipes (a run file or link without them) were run with. */
export const LEGACY_MASK_FIELDS: Pick<MaskSettings, 'optimizer' | 'momentum' | 'weightDecay' | 'schedule' | 'minLr'> = {
  optimizer: 'adam',
  momentum: 0.9,
  weightDecay: 0,
  schedule: 'cosine',
  minLr: 0,
};
