// The gallery's preview scenes by seed: scene i of the engine's fixed preview stream is
// generateScene(val pool, mixSeed(PREVIEW_SEED, i)), so a link carries the seeds, not pixels.
// The two constants mirror engineSession.ts (previewSeeds.test.ts checks they agree); they live
// here too so the page can name the scenes without importing the engine.
import { mixSeed } from '../data/rng';

export const PREVIEW_SEED = 4242;
export const PREVIEW_COUNT = 4;

export function previewSceneSeeds(count: number = PREVIEW_COUNT, base: number = PREVIEW_SEED): number[] {
  return Array.from({ length: count }, (_, i) => mixSeed(base, i));
}
