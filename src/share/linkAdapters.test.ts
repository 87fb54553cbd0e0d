import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_PARAM_NAMES, ReceptiveTokens } from '../maskd/tokens';
import { TokenWeightBranch } from '../maskd/tokenWeights';
import { branchStateFromLink, linkBranchFromState, linkTokensFromSerialized, serializedFromLinkTokens } from './linkAdapters';
import { decodeLink, encodeLink } from './linkCodec';

await tf.setBackend('cpu');

describe('link adapters', () => {
  it('carry real tokens and branch through a link and back into the app classes', async () => {
    const tokens = ReceptiveTokens.create({ numTokens: 3, channels: 4, seed: 1 });
    const branch = TokenWeightBranch.create({ channels: 4, numTokens: 3, seed: 2 });
    const enc = encodeLink({
      v: 1, task: 'segmentation', models: { teacher: { kind: 'builtin', id: 't' }, student: { kind: 'builtin', id: 's' } }, seed: 0, hyper: {},
      tokens: linkTokensFromSerialized(await tokens.serialize()), tokenWeights: linkBranchFromState(await branch.serialize()), previews: [],
    });
    const dec = enc.ok ? decodeLink(enc.hash) : enc;
    if (!dec.ok) throw new Error(dec.error);
    const { tokens: lt, tokenWeights } = dec.state;
    if (!tokenWeights) throw new Error('the small branch should have been kept');
    const restored = ReceptiveTokens.deserialize(serializedFromLinkTokens(lt));
    const restoredBranch = TokenWeightBranch.deserialize(branchStateFromLink(tokenWeights, lt.channels, lt.numTokens));
    const a = Array.from(await tokens.variable.data());
    const b = Array.from(await restored.variable.data());
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-6));
    // Every weight of the branch comes back (within the link's quantisation), in the same layout.
    const [sent, got] = [await branch.serialize(), await restoredBranch.serialize()];
    expect(Object.keys(got).sort()).toEqual(Object.keys(sent).sort());
    for (const key of Object.keys(sent) as (keyof typeof sent)[]) {
      expect(got[key].shape).toEqual(sent[key].shape);
      const scale = Math.max(...sent[key].data.map(Math.abs));
      sent[key].data.forEach((v, i) => expect(Math.abs(v - got[key].data[i])).toBeLessThanOrEqual(1e-3 * scale + 1e-7));
    }
    for (const d of [tokens, branch, restored, restoredBranch]) d.dispose();
  });

  it('use the reference parameter names', () => {
    const state = branchStateFromLink({ kernel3x3: new Float32Array(9), bias3x3: new Float32Array(1), kernel1x1: new Float32Array(1), bias1x1: new Float32Array(1) }, 1, 1);
    expect(Object.keys(state).sort()).toEqual([REFERENCE_PARAM_NAMES.conv3x3Bias, REFERENCE_PARAM_NAMES.conv3x3Weight, REFERENCE_PARAM_NAMES.conv1x1Bias, REFERENCE_PARAM_NAMES.conv1x1Weight].sort());
    expect(() => linkBranchFromState({})).toThrow(/"prob.0.weight" is missing/);
  });
});
