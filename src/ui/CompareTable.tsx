import { METHODS } from '../maskd/methods';
import { useAppStore } from '../state/store';
import { formatReadable, fullPrecision } from './format';

export function CompareTable() {
  const rows = useAppStore((s) => s.compareRows);
  const methods = useAppStore((s) => s.comparedMethods);
  const kind = useAppStore((s) => s.runKind);
  if (!methods) return null;
  const best = rows.reduce((m, r) => (Number.isFinite(r.metric) && r.metric > m ? r.metric : m), -Infinity);
  return (
    <table className="compare-table" data-testid="compare-table" data-rows={rows.length}>
      <caption>Method comparison (same init, data order and budget){kind === 'compare' ? ' · running…' : ''}</caption>
      <thead>
        <tr>
          <th scope="col">Method</th>
          <th scope="col">Best val {rows[0]?.metricName ?? 'metric'}</th>
          <th scope="col">Final loss</th>
          <th scope="col">ms / step</th>
        </tr>
      </thead>
      <tbody>
        {methods.map((m) => {
          const r = rows.find((x) => x.method === m);
          return (
            <tr key={m} data-testid={`compare-row-${m}`} data-done={r ? 'true' : 'false'}>
              <th scope="row">{METHODS[m].label}</th>
              <td title={r ? fullPrecision(r.metric) : undefined}>
                {r ? formatReadable(r.metric, 3) : kind === 'compare' ? 'pending' : 'not run'}
                {r && r.metric === best && rows.length > 1 ? ' ★ best' : ''}
              </td>
              <td title={r ? fullPrecision(r.finalLoss) : undefined}>{r ? formatReadable(r.finalLoss) : '—'}</td>
              <td title={r ? fullPrecision(r.msPerStep) : undefined}>{r ? formatReadable(r.msPerStep, 3) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
