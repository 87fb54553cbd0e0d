import { describe, expect, it } from 'vitest';
import { isRunOrTokensDrop } from './useFileDrop';

describe('page-wide drop routing', () => {
  it('takes one run file or one tokens file', () => {
    expect(isRunOrTokensDrop(['maskd-run-segmentation-seed1.json'])).toBe(true);
    expect(isRunOrTokensDrop(['maskd-tokens-detection-T6-C64.safetensors'])).toBe(true);
  });
  it('leaves models and several files to the model drop', () => {
    expect(isRunOrTokensDrop(['model.json'])).toBe(false);
    expect(isRunOrTokensDrop(['teacher/model.json'])).toBe(false);
    expect(isRunOrTokensDrop(['model.json', 'group1-shard1of1.bin'])).toBe(false);
    expect(isRunOrTokensDrop(['weights.bin'])).toBe(false);
    expect(isRunOrTokensDrop([])).toBe(false);
  });
});
