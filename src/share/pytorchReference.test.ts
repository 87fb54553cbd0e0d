// The shipped detection tokens (with the token-weight branch) and the segmentation tokens,
// exported as .safetensors, loaded with load_state_dict(strict=True) into a PyTorch module with
// the reference MaskModule's names, and recomputed there: masks, token weights, Dice and the
// masked distillation loss must match what TensorFlow.js computed on the same features.
// Runs where python3 can import torch (Debian: apt-get install python3-torch); skipped elsewhere.
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diceDiversity, maskedDistillLoss, receptiveMasks, ReceptiveTokens, TokenWeightBranch } from '../maskd';
import type { TokensFile } from '../engine/tokens';
import { exportToTemp } from './tokenExport.testkit';

await tf.setBackend('cpu');

const script = fileURLToPath(new URL('../../scripts/check-pytorch-reference.py', import.meta.url));
// The first Python that has torch (a pyenv `python3` may shadow Debian's, which has python3-torch).
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
const shipped = (task: string): TokensFile =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../public/models/${task}-teacher/tokens.json`, import.meta.url)), 'utf8'));

/** What the app computes from seeded features with `file`'s tokens, as the Python script reads it. */
async function appCase(file: TokensFile): Promise<Record<string, unknown>> {
  const [t, c] = file.tokens.shape;
  const shape: [number, number, number, number] = [2, 8, 8, c];
  const tokens = ReceptiveTokens.deserialize(file.tokens);
  const branch = file.branch ? TokenWeightBranch.deserialize(file.branch) : null;
  const out = tf.tidy(() => {
    const teacher = tf.randomNormal(shape, 0, 0.5, 'float32', 11) as tf.Tensor4D;
    const student = tf.randomNormal(shape, 0, 0.5, 'float32', 12) as tf.Tensor4D;
    const masks = receptiveMasks(teacher, tokens.variable);
    const weights = branch?.apply(teacher);
    return {
      teacher,
      student,
      masks,
      dice: diceDiversity(masks),
      loss: maskedDistillLoss(student, teacher, masks),
      ...(weights ? { weights, lossWeighted: maskedDistillLoss(student, teacher, masks, { weights }) } : {}),
    };
  });
  const values: Record<string, unknown> = { shape, numTokens: t };
  for (const [k, v] of Object.entries(out)) values[k] = v.rank === 0 ? (await v.data())[0] : Array.from(await v.data());
  tf.dispose(Object.values(out));
  tokens.variable.dispose();
  branch?.dispose();
  return values;
}

function check(exported: TokensFile, caseJson: Record<string, unknown>) {
  const paths = exportToTemp(exported, 'case.json', caseJson);
  const r = spawnSync(python!, [script, paths.weights, paths.sidecar], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, result: r.stdout ? JSON.parse(r.stdout) : null };
}

describe.skipIf(!python)('token export in PyTorch (reference MaskModule names and formulas)', () => {
  for (const task of ['detection', 'segmentation'] as const) {
    it(`${task}: load_state_dict(strict=True) and the same masks, weights, Dice and loss`, async () => {
      const file = shipped(task);
      const r = check(file, await appCase(file));
      console.log(`[pytorch] ${task}: ${JSON.stringify(r.result)}`);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const expected = ['mask_token', ...(file.branch ? ['prob.0.bias', 'prob.0.weight', 'prob.2.bias', 'prob.2.weight'] : [])];
      expect(r.result.loaded).toEqual(expected);
      expect(Object.keys(r.result.relativeErrors).sort()).toEqual(file.branch ? ['dice', 'loss', 'lossWeighted', 'masks', 'weights'] : ['dice', 'loss', 'masks']);
    }, 60_000);
  }

  it('fails when the export is not what the app computed with (the check can fail)', async () => {
    const file = shipped('detection');
    const tampered = structuredClone(file);
    // The largest and smallest values of the 1×1 (logit) kernel swapped: the weights stay near equal
    // on these tokens (effective 5.75 of 6), so a swap in the 3×3 kernel moves them by less than the tolerance.
    const k = tampered.branch!['prob.2.weight'].data;
    const hi = k.indexOf(Math.max(...k));
    const lo = k.indexOf(Math.min(...k));
    [k[hi], k[lo]] = [k[lo], k[hi]];
    const r = check(tampered, await appCase(file));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/over tolerance.*"weights"/);
  }, 60_000);
});
