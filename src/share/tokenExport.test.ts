import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ReceptiveTokens, referencePrefix } from '../maskd/tokens';
import { TokenWeightBranch, type TokenWeightsState } from '../maskd/tokenWeights';
import type { NamedSerializedTensor } from '../maskd/types';
import { readSafetensors, writeSafetensors } from './safetensors';
import { buildMaskModuleStateDict, buildTokenExport, type TokenExportInput } from './tokenExport';
import { importTokens } from './tokenImport';

await tf.setBackend('cpu');

const range = (n: number, f: (i: number) => number = (i) => i): number[] => Array.from({ length: n }, (_, i) => f(i));

/** Tokens T=3, C=2 and a branch whose kernel values encode their own HWIO indices. */
function handCase(): { tokens: NamedSerializedTensor; branch: TokenWeightsState } {
  const c = 2;
  const t = 3;
  const k3: number[] = [];
  for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) for (let i = 0; i < c; i++) for (let o = 0; o < c; o++) k3.push(1000 * o + 100 * i + 10 * y + x);
  return {
    tokens: { name: 'mask_token', shape: [t, c], data: [1, 2, 3, 4, 5, 6] },
    branch: {
      'prob.0.weight': { shape: [3, 3, c, c], data: k3 },
      'prob.0.bias': { shape: [c], data: [0.5, -0.5] },
      'prob.2.weight': { shape: [1, 1, c, t], data: range(6) }, // element (i, o) = 3i + o
      'prob.2.bias': { shape: [t], data: [7, 8, 9] },
    },
  };
}

const meta = (): Omit<TokenExportInput, 'tokens' | 'branch'> => ({
  config: { task: 'detection', tapLayer: 'neck', teacher: 'digits-teacher-m', student: 'digits-student-s', hyperParameters: { lr: 0.01, iterations: 2000 } },
  provenance: { app: 'maskd-playground', appVersion: '0.1.0', createdAt: '2026-01-02T03:04:05.000Z', seed: 42, backend: 'cpu' },
});

describe('token export: reference MaskModule state dict', () => {
  it('uses the reference names and PyTorch OIHW layout (hand case)', () => {
    const { tokens, branch } = handCase();
    const dict = buildMaskModuleStateDict(tokens, branch);
    expect(Object.keys(dict).sort()).toEqual(['mask_token', 'prob.0.bias', 'prob.0.weight', 'prob.2.bias', 'prob.2.weight']);
    expect(dict.mask_token.shape).toEqual([3, 2]);
    expect(Array.from(dict.mask_token.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(dict['prob.0.weight'].shape).toEqual([2, 2, 3, 3]);
    // OIHW: o=0,i=0 spans y,x first; then o=0,i=1; …
    const w3 = Array.from(dict['prob.0.weight'].data);
    expect(w3.slice(0, 9)).toEqual([0, 1, 2, 10, 11, 12, 20, 21, 22]);
    expect(w3.slice(9, 18)).toEqual([100, 101, 102, 110, 111, 112, 120, 121, 122]);
    expect(w3.slice(18, 20)).toEqual([1000, 1001]);
    expect(dict['prob.2.weight'].shape).toEqual([3, 2, 1, 1]);
    expect(Array.from(dict['prob.2.weight'].data)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(Array.from(dict['prob.0.bias'].data)).toEqual([0.5, -0.5]);
    expect(Array.from(dict['prob.2.bias'].data)).toEqual([7, 8, 9]);
  });

  it('prefixes keys and writes a sidecar with config and provenance', () => {
    const { tokens, branch } = handCase();
    const out = buildTokenExport({ tokens, branch, prefix: referencePrefix(0), ...meta() });
    const file = readSafetensors(out.safetensors);
    expect([...file.tensors.keys()].sort()).toEqual(['mask_token', 'prob.0.bias', 'prob.0.weight', 'prob.2.bias', 'prob.2.weight'].map((n) => `mask_modules.0.${n}`));
    expect(file.metadata.get('format')).toBe('pt');
    expect(out.fileNames).toEqual({ weights: 'maskd-tokens-detection-T3-C2.safetensors', sidecar: 'maskd-tokens-detection-T3-C2.json' });
    const sidecar = JSON.parse(out.sidecarJson);
    expect(sidecar).toEqual(out.sidecar);
    expect(sidecar.config).toMatchObject({ task: 'detection', numTokens: 3, channels: 2, tokenWeights: true, tapLayer: 'neck' });
    expect(sidecar.provenance).toMatchObject({ seed: 42, backend: 'cpu', appVersion: '0.1.0' });
    expect(sidecar.tensors).toContainEqual({ name: 'mask_modules.0.prob.2.weight', dtype: 'F32', shape: [3, 2, 1, 1], layout: 'OIHW' });
  });

  it('without a branch exports mask_token only', () => {
    const out = buildTokenExport({ tokens: handCase().tokens, ...meta() });
    expect([...readSafetensors(out.safetensors).tensors.keys()]).toEqual(['mask_token']);
    expect(out.sidecar.config.tokenWeights).toBe(false);
  });

  it('rejects shapes that do not match', () => {
    const { tokens, branch } = handCase();
    expect(() => buildMaskModuleStateDict({ ...tokens, data: [1, 2] })).toThrow(/needs 6 values/);
    expect(() => buildMaskModuleStateDict(tokens, { ...branch, 'prob.2.weight': { shape: [1, 1, 2, 4], data: range(8) } })).toThrow(/\[1,1,2,3\]/);
    expect(() => buildMaskModuleStateDict(tokens, { ...branch, 'prob.2.bias': { shape: [3], data: [1, NaN, 2] } })).toThrow(/non-finite/);
    expect(() => buildMaskModuleStateDict(tokens, undefined, 'bad prefix')).toThrow(/prefix/);
  });
});

describe('token import', () => {
  it('round-trips real ReceptiveTokens and TokenWeightBranch through the file', async () => {
    const tokens = ReceptiveTokens.create({ numTokens: 4, channels: 8, seed: 3 });
    const branch = TokenWeightBranch.create({ channels: 8, numTokens: 4, seed: 5 });
    const tokenState = await tokens.serialize();
    const branchState = await branch.serialize();
    const out = buildTokenExport({ tokens: tokenState, branch: branchState, prefix: referencePrefix(2), ...meta() });
    const back = importTokens(out.safetensors, { channels: 8 });
    expect(back.prefix).toBe('mask_modules.2.');
    expect(back.tokens).toEqual({ name: 'mask_token', shape: [4, 8], data: tokenState.data });
    expect(back.branch).toEqual(branchState);
    // And the app's own deserialisers accept what came back.
    const restored = ReceptiveTokens.deserialize(back.tokens);
    const restoredBranch = TokenWeightBranch.deserialize(back.branch as TokenWeightsState);
    expect(Array.from(await restored.variable.data())).toEqual(tokenState.data);
    expect(await restoredBranch.serialize()).toEqual(branchState);
    for (const d of [tokens, branch, restored, restoredBranch]) d.dispose();
  });

  it('reads a file without a branch, and picks the prefix when asked', () => {
    const a = buildMaskModuleStateDict(handCase().tokens, undefined, 'mask_modules.0.');
    const b = buildMaskModuleStateDict({ name: 'x', shape: [1, 2], data: [9, 9] }, undefined, 'mask_modules.1.');
    const bytes = writeSafetensors({ ...a, ...b });
    expect(() => importTokens(bytes)).toThrow(/2 mask modules/);
    const one = importTokens(bytes, { prefix: 'mask_modules.1.' });
    expect(one.tokens.data).toEqual([9, 9]);
    expect(one.branch).toBeUndefined();
  });

  it('says clearly what is wrong', () => {
    const { tokens, branch } = handCase();
    const full = buildMaskModuleStateDict(tokens, branch);
    expect(() => importTokens(writeSafetensors({ other: full.mask_token }))).toThrow(/no "mask_token" tensor.*"other"/);
    expect(() => importTokens(writeSafetensors(full), { channels: 4 })).toThrow(/C = 2 wide but .* 4 channels/);
    expect(() => importTokens(writeSafetensors(full), { numTokens: 6 })).toThrow(/T = 3 tokens but 6/);
    const partial = { ...full };
    delete partial['prob.2.bias'];
    expect(() => importTokens(writeSafetensors(partial))).toThrow(/incomplete \(missing "prob.2.bias"\)/);
    expect(() => importTokens(writeSafetensors({ ...full, 'prob.2.weight': { dtype: 'F32', shape: [3, 2, 3, 3], data: new Float32Array(54) } }))).toThrow(/"prob.2.weight" has shape \[3,2,3,3\], expected \[3,2,1,1\]/);
    expect(() => importTokens(writeSafetensors({ mask_token: { dtype: 'I32', shape: [1, 1], data: new Int32Array(1) } }))).toThrow(/float tensor/);
    expect(() => importTokens(writeSafetensors({ mask_token: { dtype: 'F32', shape: [1, 1], data: new Float32Array([NaN]) } }))).toThrow(/NaN/);
    expect(() => importTokens(writeSafetensors({ mask_token: { dtype: 'F32', shape: [4], data: new Float32Array(4) } }))).toThrow(/\[T,C\]/);
    expect(() => importTokens(new Uint8Array([1, 2, 3]))).toThrow(/too short/);
  });
});
