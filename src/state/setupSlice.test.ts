import { beforeEach, describe, expect, it } from 'vitest';
import { recipeOf } from '../share/maskRecipes';
import { store, useAppStore } from './store';

const initial = useAppStore.getState();
beforeEach(() => useAppStore.setState(initial, true));

describe('Setup settings', () => {
  it('switching the task brings that task’s token count and MasKD preset, and keeps the budget the user set', () => {
    store().setMask({ steps: 77, lr: 0.05 });
    store().setDistill({ steps: 333 });
    store().setMethodParam('cwd', 'tau', 2);
    store().setTask('detection');
    expect(store().mask).toMatchObject({ numTokens: 6, steps: 77, lr: 0.05 });
    expect(store().distill.steps).toBe(333);
    // Method parameters go back to the task's reference values (the detection preset switches the custom mask on).
    expect(store().distill.params.maskd).toMatchObject({ lossWeight: 7, customMask: true });
    expect(store().distill.params.cwd.tau).toBe(4);
    store().setTask('segmentation');
    expect(store().mask.numTokens).toBe(8);
    expect(store().distill.params.maskd).toMatchObject({ lossWeight: 1, factor: 0.5, customMask: false });
  });

  it('stage 1 starts on the task’s default recipe (the playground’s on both, measured); a task switch follows it; an edit makes it Custom', () => {
    expect(recipeOf(store().mask, 'segmentation')).toBe('playground');
    expect(store().mask).toMatchObject({ optimizer: 'adam', lr: 0.001, weightDecay: 1e-3, schedule: 'cosine', minLr: 0, numTokens: 8, tokenWeights: false, steps: 200 });
    store().setMask({ steps: 50 });
    store().setTask('detection');
    // Steps are the user's; the recipe's fields are the detection ones (lr 0.003, 6 tokens with their weights).
    expect(store().mask).toMatchObject({ optimizer: 'adam', lr: 0.003, weightDecay: 1e-3, schedule: 'cosine', minLr: 0, numTokens: 6, tokenWeights: true, steps: 50 });
    expect(recipeOf(store().mask, 'detection')).toBe('playground');
    store().setMask({ weightDecay: 0 });
    expect(recipeOf(store().mask, 'detection')).toBe('custom');
    store().applyMaskRecipe('reference-detection');
    expect(recipeOf(store().mask, 'detection')).toBe('reference-detection');
    expect(store().mask).toMatchObject({ optimizer: 'adam', lr: 0.01, weightDecay: 1e-3, minLr: 1e-6, numTokens: 6, tokenWeights: true, steps: 50 });
    store().applyMaskRecipe('reference-segmentation');
    expect(store().mask).toMatchObject({ optimizer: 'sgd', schedule: 'poly', numTokens: 8, tokenWeights: false });
  });

  it('one method’s parameter changes only that method', () => {
    const before = store().distill.params;
    store().setMethodParam('maskd', 'lossWeight', 3);
    expect(store().distill.params.maskd.lossWeight).toBe(3);
    expect(store().distill.params.cwd).toEqual(before.cwd);
    expect(store().distill.params.fitnet).toEqual(before.fitnet);
  });

  it('the compared methods keep the table’s order whatever order they are ticked in', () => {
    store().toggleCompareMethod('fitnet');
    store().toggleCompareMethod('none');
    expect(store().compareMethods).toEqual(['cwd', 'maskd']);
    store().toggleCompareMethod('fitnet');
    store().toggleCompareMethod('none');
    expect(store().compareMethods).toEqual(['none', 'fitnet', 'cwd', 'maskd']);
  });

  it('starts on Auto: the fastest backend measured here', () => {
    expect(store().backendChoice).toBe('auto');
    store().setBackendChoice('wasm');
    expect(store().backendChoice).toBe('wasm');
  });
});
