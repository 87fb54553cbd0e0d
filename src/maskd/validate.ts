import type { Tensor } from '@tensorflow/tfjs';

// Shape checks shared by the composed ops (./ops) and the dispatching entry (./index).
// Each throws an Error that names the argument, the expected layout and what it got.

function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Throws unless `t` is rank 4 ([N,H,W,C] or [N,H,W,T]) with no zero-sized axis. */
export function assertRank4(name: string, t: Tensor, layout = '[N,H,W,C]'): void {
  if (t.rank !== 4) {
    throw new Error(`${name} must be a rank-4 tensor ${layout} (channels-last), got rank ${t.rank} with shape ${fmt(t.shape)}`);
  }
  if (t.shape.some((d) => d === 0)) {
    throw new Error(`${name} ${layout} has an empty axis: shape ${fmt(t.shape)}`);
  }
}

/** Student and teacher features: both [N,H,W,C] with the same N, H, W and C. */
export function assertSameFeatures(aName: string, a: Tensor, bName: string, b: Tensor): void {
  assertRank4(aName, a);
  assertRank4(bName, b);
  const axes = ['N', 'H', 'W', 'C'];
  for (let i = 0; i < 4; i++) {
    if (a.shape[i] !== b.shape[i]) {
      throw new Error(
        `${aName} ${fmt(a.shape)} and ${bName} ${fmt(b.shape)} differ in ${axes[i]}; ` +
          'align the student feature to the teacher (1x1 conv, resize) first',
      );
    }
  }
}

/** Masks [N,H,W,T] with at least one token; returns T. */
export function assertMasks(masks: Tensor): number {
  if (masks.rank === 4 && masks.shape[3] === 0) {
    throw new Error('masks [N,H,W,T] have T = 0 tokens; at least one receptive token is needed');
  }
  assertRank4('masks', masks, '[N,H,W,T]');
  return masks.shape[3] as number;
}

/** Masks [N,H,W,T] for features [N,H,W,C]: same N, H, W and at least one token; returns T. */
export function assertMasksFor(features: Tensor, masks: Tensor, featuresName = 'features'): number {
  assertRank4(featuresName, features);
  const t = assertMasks(masks);
  const axes = ['N', 'H', 'W'];
  for (let i = 0; i < 3; i++) {
    if (features.shape[i] !== masks.shape[i]) {
      throw new Error(
        `masks ${fmt(masks.shape)} and ${featuresName} ${fmt(features.shape)} differ in ${axes[i]}; ` +
          'masks must be computed on a feature of the same batch and spatial size',
      );
    }
  }
  return t;
}

/** Tokens [T,C] with T ≥ 1 and C equal to the features' channel count. */
export function assertTokensFor(features: Tensor, tokens: Tensor): void {
  assertRank4('features', features);
  if (tokens.rank !== 2) {
    throw new Error(`tokens must be a rank-2 tensor [T,C], got rank ${tokens.rank} with shape ${fmt(tokens.shape)}`);
  }
  if (tokens.shape[0] === 0) {
    throw new Error('tokens [T,C] have T = 0; at least one receptive token is needed');
  }
  if (tokens.shape[1] !== features.shape[3]) {
    throw new Error(
      `tokens ${fmt(tokens.shape)} have C = ${tokens.shape[1]} but features ${fmt(features.shape)} ` +
        `have C = ${features.shape[3]}; tokens must match the teacher feature's width`,
    );
  }
}

/** Token weights [N,T] for a batch of N images and T tokens. */
export function assertWeights(weights: Tensor, n: number, t: number): void {
  if (weights.rank !== 2 || weights.shape[0] !== n || weights.shape[1] !== t) {
    throw new Error(`weights must have shape [N,T] = [${n},${t}], got ${fmt(weights.shape)}`);
  }
}

/** eps of the area normalisation: finite and ≥ 0 (0 reproduces the detection reference, which adds none). */
export function assertEps(eps: number): void {
  if (!Number.isFinite(eps) || eps < 0) {
    throw new Error(`eps must be a finite number ≥ 0, got ${eps}`);
  }
}
