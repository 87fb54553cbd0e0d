import { expect, test } from '@playwright/test';
import { loadDigitsNode } from '../src/data/digitsNode';
import { sceneHash } from '../src/data/sceneHash';
import { generateScenes } from '../src/data/scenes';

test('the same seed gives bit-identical scenes in the browser and in Node', async ({ page }) => {
  const pools = loadDigitsNode();
  await page.goto('/e2e/harness/scenes.html');
  await expect(page.locator('#status')).toHaveText('ready');
  for (const [split, seed, start] of [['train', 1, 0], ['val', 20230501, 40], ['train', 987654321, 1000]] as const) {
    const inBrowser = await page.evaluate((a) => window.maskdScenes!.hashes(a.split, a.seed, a.start, 6), { split, seed, start });
    const inNode = generateScenes(pools[split], seed, start, 6).map(sceneHash);
    expect(inBrowser).toEqual(inNode);
  }
});
