// Tiny fixtures for the stage tests: 16×16 scenes, batch 2, the demo nets at that size.
import { generateScenes, type Scene, type SceneConfig } from '../data/scenes';
import { loadDigitsNode } from '../data/digitsNode';

export const TINY_SCENE: Partial<SceneConfig> = { height: 16, width: 16, minDigits: 1, maxDigits: 1, minSize: 10, maxSize: 14 };
export const TINY_INPUT: readonly [number, number, number] = [16, 16, 3];

const pools = loadDigitsNode();

export function tinyScenes(seed: number, count: number, split: 'train' | 'val' = 'train'): Scene[] {
  return generateScenes(pools[split], seed, 0, count, TINY_SCENE);
}
