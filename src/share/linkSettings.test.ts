// Share-link settings are clamped to the Setup fields' ranges when a link is opened, with a note
// per clamped setting; fuzzing: whatever a decodable link carries, what comes out is within them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SETTING_RANGES } from '../limits';
import { decodeLink, encodeLink } from './linkCodec';
import { linkStateArb } from './linkCodec.testkit';
import { clampLinkSettings, type LinkState } from './linkSchema';

function state(hyper: LinkState['hyper']): LinkState {
  return {
    v: 1,
    task: 'segmentation',
    models: { teacher: { kind: 'builtin', id: 'segmentation-teacher' }, student: { kind: 'builtin', id: 'segmentation-student' } },
    seed: 1,
    hyper,
    tokens: { numTokens: 2, channels: 2, data: new Float32Array([0, 1, 2, 3]) },
    previews: [],
  };
}

describe('link settings clamped to the Setup ranges', () => {
  it('batch 4096 and 10⁷ steps (valid in the link format) open as 128 and 100 000, each with a note', () => {
    const enc = encodeLink(state({ batchSize: 4096, maskIterations: 1e7, distillIterations: 50, maskLr: 3, tau: 2 }));
    if (!enc.ok) throw new Error(enc.error);
    const dec = decodeLink(enc.hash);
    if (!dec.ok) throw new Error(dec.error);
    expect(dec.state.hyper).toEqual({ batchSize: 128, maskIterations: 100_000, distillIterations: 50, maskLr: 1, tau: 2 });
    expect(dec.clamped).toEqual([
      'Learn masks: learning rate 3 is outside 0–1; set to 1',
      'Learn masks: steps 10 000 000 is outside 1–100 000; set to 100 000',
      'Distill: batch size 4 096 is outside 1–128; set to 128',
    ]);
  });

  it('a link within the ranges is unchanged and has no notes; 0 iterations (unset) stay 0', () => {
    const s = state({ batchSize: 8, maskIterations: 0 });
    expect(clampLinkSettings(s)).toEqual({ state: s, clamped: [] });
  });

  it('fuzz: any valid link opens with every setting inside its Setup range, and a note for each one changed', () => {
    fc.assert(
      fc.property(linkStateArb({ maxTokens: 2, maxChannels: 2, maxPreviews: 1, maxMaskSide: 2 }), (s) => {
        const enc = encodeLink(s);
        if (!enc.ok) throw new Error(enc.error);
        const dec = decodeLink(enc.hash);
        if (!dec.ok) throw new Error(dec.error);
        const keys: Record<string, keyof typeof SETTING_RANGES> = { batchSize: 'distillBatch', customMaskWarmup: 'customMaskWarmup', lossWeight: 'lossWeight', tau: 'tau', eps: 'eps' };
        let changed = 0;
        for (const [k, range] of Object.entries(keys)) {
          const v = (dec.state.hyper as Record<string, unknown>)[k];
          if (typeof v !== 'number') continue;
          expect(v).toBeGreaterThanOrEqual(SETTING_RANGES[range].min);
          expect(v).toBeLessThanOrEqual(SETTING_RANGES[range].max);
          if (v !== (enc.state.hyper as Record<string, unknown>)[k]) changed++;
        }
        expect(dec.clamped).toHaveLength(changed);
      }),
      { numRuns: 300 },
    );
  });
});
