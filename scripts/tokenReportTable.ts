// The token report as markdown (npm run token:report; docs/experiments.md quotes it): a summary
// line (live tokens, mean pairwise Dice, with the token-weight branch `effective tokens N.NN`,
// the scenes and their split), then a row per token: area, live, mean weight (with the branch)
// and its mean mask on the background and on each label.
import type { TokenReport } from '../src/engine/tokens';

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');

/** A weight to three decimals, or in exponent form when it rounds to 0.000 (a collapsed token's 4e-24 is not 0). */
export function formatWeight(w: number): string {
  if (!Number.isFinite(w)) return '—';
  return w === 0 ? '0' : w >= 0.0005 ? w.toFixed(3) : w.toExponential(0);
}

/** `effective tokens 1.00 of 6` (one token carries the weight) … `6.00 of 6` (equal weights); null without the branch. */
export function effectiveTokensLine(r: TokenReport): string | null {
  return r.effectiveTokens === null ? null : `effective tokens ${f2(r.effectiveTokens)} of ${r.numTokens}`;
}

export function tokenReportTable(title: string, r: TokenReport): string {
  const weights = r.weights;
  const head = ['token', 'area', 'live', ...(weights ? ['weight'] : []), ...r.labels.map((l) => (l === 'background' ? 'bg' : l))];
  const effective = effectiveTokensLine(r);
  const lines = [
    `**${title}**: ${r.liveCount} of ${r.numTokens} tokens live (mean area in (${r.liveArea.min}, ${r.liveArea.max})), mean pairwise Dice ${r.meanDice.toFixed(3)}` +
      `${effective ? `, ${effective} (exp of the entropy of the mean token weights)` : ''}, ${r.scenes} validation scenes`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---:').join('|')}|`,
    ...r.area.map(
      (a, t) =>
        `| ${t + 1} | ${f2(a)} | ${r.live[t] ? 'yes' : 'no'} | ${weights ? `${formatWeight(weights[t])} | ` : ''}${r.perClass[t].map(f2).join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}
