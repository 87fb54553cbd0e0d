// Test page: generates digit scenes in the browser so e2e can compare them with Node's, bit for bit.
import { digitsUrl, loadDigits, type DigitSplit } from '../../src/data/digits';
import { sceneHash } from '../../src/data/sceneHash';
import { generateScenes } from '../../src/data/scenes';

declare global {
  interface Window {
    maskdScenes?: { hashes(split: DigitSplit, seed: number, start: number, count: number): string[] };
  }
}

const pools = await loadDigits(new URL(digitsUrl(), window.location.origin).href);
window.maskdScenes = {
  hashes: (split, seed, start, count) => generateScenes(pools[split], seed, start, count).map(sceneHash),
};
document.getElementById('status')!.textContent = 'ready';
