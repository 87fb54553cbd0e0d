import { describe, expect, it } from 'vitest';
import { defaultDistillSettings, defaultMaskSettings } from './setupSlice';

describe('setup defaults follow the reference code per task', () => {
  it('segmentation: 8 tokens, no token-weight branch, MasKD without custom mask', () => {
    expect(defaultMaskSettings('segmentation')).toMatchObject({ numTokens: 8, tokenWeights: false, lr: 0.01 });
    expect(defaultDistillSettings('segmentation').params.maskd).toMatchObject({ customMask: false, factor: 0.5 });
  });
  it('detection: 6 tokens with the token-weight branch', () => {
    expect(defaultMaskSettings('detection')).toMatchObject({ numTokens: 6, tokenWeights: true });
    expect(defaultDistillSettings('detection').params.maskd).toMatchObject({ customMask: true });
  });
});
