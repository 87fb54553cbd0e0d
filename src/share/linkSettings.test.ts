// Share-link settings are clamped to the Setup fields' ranges when a link is opened, with a note
// per clamped setting; fuzzing: whatever a decodable link carries, what comes out is within them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SETTING_RANGES } from './settingRanges';
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

  it('an older link’s custom-mask warm-up in steps becomes the share of its run; without the run’s length, the default share with a note', () => {
    // 1000 of 2000 steps: half the run, exactly; the steps key is gone.
    expect(clampLinkSettings(state({ customMaskWarmup: 1000, distillIterations: 2000 }))).toEqual({
      state: state({ customMaskWarmupShare: 0.5, distillIterations: 2000 }),
      clamped: [],
    });
    // The old default (1000) in a default 200-step run never switched on: share 1, said so.
    expect(clampLinkSettings(state({ customMaskWarmup: 1000, distillIterations: 200 }))).toEqual({
      state: state({ customMaskWarmupShare: 1, distillIterations: 200 }),
      clamped: ['Custom-mask warm-up of 1000 steps is longer than the run (200 steps); set to share 1 (never on)'],
    });
    expect(clampLinkSettings(state({ customMaskWarmup: 7000 }))).toEqual({
      state: state({ customMaskWarmupShare: 0.04 }),
      clamped: ["Custom-mask warm-up of 7000 steps comes without the run's length; set to the default share 0.04"],
    });
    // A share already there wins; the steps key still goes.
    expect(clampLinkSettings(state({ customMaskWarmup: 10, customMaskWarmupShare: 0.2, distillIterations: 100 })).state.hyper).toEqual({ customMaskWarmupShare: 0.2, distillIterations: 100 });
  });

  it('an unknown stage-1 optimiser or schedule is noted and left out of Setup', () => {
    const r = clampLinkSettings(state({ optimizer: 'rmsprop', schedule: 'poly' }));
    expect(r.clamped).toEqual(['Learn masks: optimizer "rmsprop" is not one of adam, sgd; the page\'s setting is kept']);
  });

  it('fuzz: any valid link opens with every setting inside its Setup range, and a note for each one changed', () => {
    fc.assert(
      fc.property(linkStateArb({ maxTokens: 2, maxChannels: 2, maxPreviews: 1, maxMaskSide: 2 }), (s) => {
        const enc = encodeLink(s);
        if (!enc.ok) throw new Error(enc.error);
        const dec = decodeLink(enc.hash);
        if (!dec.ok) throw new Error(dec.error);
        const keys: Record<string, keyof typeof SETTING_RANGES> = {
          batchSize: 'distillBatch', customMaskWarmupShare: 'customMaskWarmupShare', lossWeight: 'lossWeight', tau: 'tau', eps: 'eps',
          distillIterations: 'distillSteps', maskMomentum: 'maskMomentum', maskWeightDecay: 'maskWeightDecay', maskMinLr: 'maskMinLr',
        };
        const given = enc.state.hyper as Record<string, unknown>;
        const got = dec.state.hyper as Record<string, unknown>;
        let changed = 0;
        for (const [k, range] of Object.entries(keys)) {
          const v = got[k];
          if (typeof v !== 'number' || (k === 'distillIterations' && v === 0)) continue;
          expect(v).toBeGreaterThanOrEqual(SETTING_RANGES[range].min);
          expect(v).toBeLessThanOrEqual(SETTING_RANGES[range].max);
          if (typeof given[k] === 'number' && v !== given[k]) changed++;
        }
        // The steps key never survives; it made a note when the run's length was missing or shorter.
        expect(got.customMaskWarmup).toBeUndefined();
        const run = typeof given.distillIterations === 'number' && given.distillIterations >= 1 ? given.distillIterations : null;
        const legacy = typeof given.customMaskWarmup === 'number' && given.customMaskWarmupShare === undefined && (run === null || given.customMaskWarmup > run) ? 1 : 0;
        const strings = (given.optimizer === 'rmsprop' ? 1 : 0) + (given.schedule === 'step' ? 1 : 0);
        expect(dec.clamped).toHaveLength(changed + legacy + strings);
      }),
      { numRuns: 300 },
    );
  });
});
