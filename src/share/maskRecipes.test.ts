import { describe, expect, it } from 'vitest';
import { MASK_RECIPE_IDS, MASK_RECIPES, recipeOf, withRecipe } from './maskRecipes';
import type { MaskSettings } from './settings';

const base: MaskSettings = {
  numTokens: 3, steps: 77, batchSize: 4, lr: 0.5, diceWeight: 2, tokenWeights: false,
  optimizer: 'adam', momentum: 0.5, weightDecay: 0.2, schedule: 'cosine', minLr: 0.3,
};

describe('stage-1 recipes', () => {
  it('state the reference code’s values and cite the file each comes from', () => {
    expect(MASK_RECIPES['reference-detection'].fields('segmentation')).toEqual({
      optimizer: 'adam', lr: 0.01, momentum: 0.9, weightDecay: 1e-3, schedule: 'cosine', minLr: 1e-6, numTokens: 6, tokenWeights: true,
    });
    expect(MASK_RECIPES['reference-segmentation'].fields('detection')).toEqual({
      optimizer: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 1e-3, schedule: 'poly', minLr: 0, numTokens: 8, tokenWeights: false,
    });
    expect(MASK_RECIPES['reference-detection'].help).toContain('mmdetection/configs/maskd/retinanet_r101_fpn_2x_coco.py');
    expect(MASK_RECIPES['reference-segmentation'].help).toContain('segmentation/train_mask_module.py');
    expect(MASK_RECIPES.playground.help).toContain('mmdetection/configs/maskd/retinanet_r101_fpn_2x_coco.py');
  });

  it('a recipe fills its fields and keeps steps, batch and the Dice weight; the settings then read as that recipe', () => {
    for (const id of MASK_RECIPE_IDS) {
      for (const task of ['segmentation', 'detection'] as const) {
        const m = withRecipe(base, id, task);
        expect({ steps: m.steps, batchSize: m.batchSize, diceWeight: m.diceWeight }).toEqual({ steps: 77, batchSize: 4, diceWeight: 2 });
        expect(recipeOf(m, task)).toBe(id);
      }
    }
    expect(recipeOf(base, 'segmentation')).toBe('custom');
  });

  it('any one field away from the recipe is Custom; the playground recipe depends on the task', () => {
    const det = withRecipe(base, 'reference-detection', 'detection');
    for (const patch of [{ lr: 0.02 }, { weightDecay: 0 }, { minLr: 0 }, { numTokens: 7 }, { tokenWeights: false }, { schedule: 'poly' as const }, { optimizer: 'sgd' as const }]) {
      expect(recipeOf({ ...det, ...patch }, 'detection'), JSON.stringify(patch)).toBe('custom');
    }
    // What does nothing under the recipe does not count: momentum with Adam, the final lr with poly.
    expect(recipeOf({ ...det, momentum: 0.8 }, 'detection')).toBe('reference-detection');
    const seg = withRecipe(base, 'reference-segmentation', 'segmentation');
    expect(recipeOf({ ...seg, minLr: 0.5 }, 'segmentation')).toBe('reference-segmentation');
    expect(recipeOf({ ...seg, momentum: 0.8 }, 'segmentation')).toBe('custom');
    const play = withRecipe(base, 'playground', 'segmentation');
    expect(play).toMatchObject({ numTokens: 8, tokenWeights: false });
    expect(recipeOf(play, 'detection')).toBe('custom');
    expect(withRecipe(base, 'playground', 'detection')).toMatchObject({ numTokens: 6, tokenWeights: true });
  });
});
