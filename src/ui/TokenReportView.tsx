import { useAppStore } from '../state/store';
import { currentTokenReport } from '../state/tokenReportSlice';
import { formatReadable, fullPrecision } from './format';

/** Per token: its mean mask on each label over the test scenes, its area, live or not, and its closest other token by Dice. */
export function TokenReportView() {
  const report = useAppStore(currentTokenReport);
  const phase = useAppStore((s) => s.tokenReportPhase);
  if (!report) {
    return phase === 'measuring' ? (
      <p className="muted" data-testid="token-report-measuring" role="status">Measuring every token over the test scenes…</p>
    ) : null;
  }
  const closest = report.dice.map((row, a) =>
    row.reduce((best, d, b) => (b !== a && (best < 0 || d > row[best]) ? b : best), -1),
  );
  return (
    <div className="token-report" data-testid="token-report" data-live={report.liveCount} data-tokens={report.numTokens}>
      <p data-testid="token-report-summary">
        <strong>{report.liveCount} of {report.numTokens} tokens live</strong> (mean area between {report.liveArea.min} and {report.liveArea.max}) · mean pairwise Dice{' '}
        <span title={fullPrecision(report.meanDice)}>{formatReadable(report.meanDice)}</span> (0: no overlap, 1: the same mask) · over {report.scenes}{' '}
        {report.split === 'test' ? 'test' : 'validation'} scenes
      </p>
      <div className="gallery-scroll">
        <table className="token-report-table">
          <caption className="sr-only">Mean mask value of each token on the pixels of each label, its area and its most similar token</caption>
          <thead>
            <tr>
              <th scope="col">Token</th>
              <th scope="col">Area</th>
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
