// Receptive tokens (+ token-weight branch) from a file or a link, checked against the demo's
// teacher before they replace its own.
import { LIMITS, limitText } from '../limits';
import { ReceptiveTokens } from '../maskd/tokens';
import { TokenWeightBranch } from '../maskd/tokenWeights';
import type { Demo } from './demo';
import type { SetTokensRequest } from '../engine/tokens';

export interface TeacherTokens {
  readonly tokens: ReceptiveTokens;
  readonly branch: TokenWeightBranch | null;
}

/** The request's tokens and branch for `demo`, or an error saying why they do not fit it (nothing left allocated). */
export function tokensForTeacher(demo: Demo, request: SetTokensRequest): TeacherTokens {
  const channels = demo.teacherSplit.tapShape[2];
  const [numTokens, width] = request.tokens.shape;
  // The page's readers refuse these already; the worker does not rely on it (a script, a stale page).
  if (!(Number.isInteger(numTokens) && numTokens >= 1 && numTokens <= LIMITS.tokens.value)) {
    throw new Error(`${numTokens} tokens: T must be 1–${LIMITS.tokens.value} (${limitText('tokens')} on ${LIMITS.tokens.what})`);
  }
  if (width !== channels) {
    throw new Error(`these tokens are C = ${width} wide but the ${demo.task} teacher's feature at the tap layer has ${channels} channels; they belong to another teacher`);
  }
  const seeds = request.previewSeeds;
  if (seeds && (seeds.length === 0 || seeds.length > 16 || !seeds.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff))) {
    throw new Error('preview seeds must be 1–16 integers in [0, 2^32)');
  }
  // Seeds name digit scenes; a custom dataset keeps its own previews.
  if (seeds && demo.source.kind !== 'digits') throw new Error('preview scenes by seed exist only for the digit demos; load the demo first');
  const tokens = ReceptiveTokens.deserialize(request.tokens);
  let branch: TokenWeightBranch | null = null;
  try {
    if (request.branch) {
      branch = TokenWeightBranch.deserialize(request.branch);
      if (branch.channels !== channels || branch.numTokens !== numTokens) {
        throw new Error(`the token-weight branch is C = ${branch.channels}, T = ${branch.numTokens}, but the tokens are C = ${channels}, T = ${numTokens}`);
      }
    }
  } catch (err) {
    tokens.dispose();
    branch?.dispose();
    throw err;
  }
  return { tokens, branch };
}
