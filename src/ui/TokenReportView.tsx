import { useAppStore } from '../state/store';
import { currentTokenReport } from '../state/tokenReportSlice';
import { formatReadable, fullPrecision } from './format';

/**
 * Per token: its mean mask on each label over the validation scenes, its area, live or not, its
 * mean weight (with the token-weight branch) and its closest other token by Dice; with the branch
 * the summary gives the effective number of tokens.
 */
export function TokenReportView() {
  const report = useAppStore(currentTokenReport);
  const phase = useAppStore((s) => s.tokenReportPhase);
  if (!report) {
    return phase === 'measuring' ? (
      <p className="muted" data-testid="token-report-measuring" role="status">Measuring every token over the validation scenes…</p>
    ) : null;
  }
  const closest = report.dice.map((row, a) =>
    row.reduce((best, d, b) => (b !== a && (best < 0 || d > row[best]) ? b : best), -1),
  );
  const weights = report.weights;
  return (
    <div className="token-report" data-testid="token-report" data-live={report.liveCount} data-tokens={report.numTokens}
      data-effective={report.effectiveTokens ?? undefined}>
      <p data-testid="token-report-summary">
        <strong>{report.liveCount} of {report.numTokens} tokens live</strong> (mean area between {report.liveArea.min} and {report.liveArea.max}) · mean pairwise Dice{' '}
        <span title={fullPrecision(report.meanDice)}>{formatReadable(report.meanDice)}</span> (0: no overlap, 1: the same mask)
        {report.effectiveTokens !== null && (
          <>
            {' · '}
            <span data-testid="token-report-effective"
              title={`exp of the entropy of the mean token weights: 1 when one token carries all the weight, ${report.numTokens} when all ${report.numTokens} weigh the same (${fullPrecision(report.effectiveTokens)})`}>
              <strong>effective tokens {report.effectiveTokens.toFixed(2)}</strong> of {report.numTokens}
            </span>
          </>
        )}{' '}
        · over {report.scenes} validation scenes
      </p>
      <div className="gallery-scroll">
        <table className="token-report-table">
          <caption className="sr-only">Mean mask value of each token on the pixels of each label, its area and its most similar token</caption>
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col">Area</th>
              {weights && <th scope="col" title="The token's weight w[n,t] (softmax over the tokens) averaged over the scenes">Weight</th>}
              {report.labels.map((l) => (
                <th scope="col" key={l}>{l === 'background' ? 'bg' : l}</th>
              ))}
              <th scope="col">Most like (Dice)</th>
            </tr>
          </thead>
          <tbody>
            {report.area.map((a, t) => (
              <tr key={t} data-testid={`token-report-row-${t}`} data-live={report.live[t] ? 'true' : 'false'}>
                <th scope="row">
                  Token {t + 1}
                  {!report.live[t] && <span className="token-dead" title={a <= 0.5 ? 'almost off everywhere' : 'on almost everywhere'}> · {a <= 0.5 ? 'off' : 'everywhere'}</span>}
                </th>
                <td title={fullPrecision(a)}>{formatReadable(a)}</td>
                {weights && (
                  <td data-testid={`token-report-weight-${t}`} title={`mean token weight ${fullPrecision(weights[t])}`}>{formatReadable(weights[t])}</td>
                )}
                {report.perClass[t].map((v, c) => (
                  <td key={c} title={Number.isFinite(v) ? `${report.labels[c]}: ${fullPrecision(v)}` : `no ${report.labels[c]} pixels`}
                    style={Number.isFinite(v) ? { background: `rgba(37, 99, 235, ${(0.85 * v).toFixed(3)})`, color: v > 0.55 ? '#fff' : undefined } : undefined}>
                    {Number.isFinite(v) ? formatReadable(v, 2) : '—'}
                  </td>
                ))}
                <td title={closest[t] >= 0 ? fullPrecision(report.dice[t][closest[t]]) : undefined}>
                  {closest[t] >= 0 ? `Token ${closest[t] + 1} (${formatReadable(report.dice[t][closest[t]], 2)})` : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
