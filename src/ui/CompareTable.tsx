import { METHODS } from '../maskd/methods';
import type { CompareRow } from '../engine/types';
import { useAppStore } from '../state/store';
import { formatReadable, fullPrecision } from './format';

/** What the reported column was measured on, for its header and tooltip. */
function scoredOn(rows: readonly CompareRow[]): { head: string; title: string } {
  const name = rows[0]?.metricName ?? 'metric';
  const scored = rows[0]?.scored;
  if (!scored) return { head: `Test ${name}`, title: 'The final student, on test scenes no choice was made on' };
  return scored.split === 'test'
    ? { head: `Test ${name}`, title: `The final student on ${scored.scenes} test scenes (disjoint from training and validation)` }
    : { head: `Val ${name}`, title: `The final student on ${scored.scenes} validation scenes: this data has no test split` };
}

export function CompareTable() {
  const rows = useAppStore((s) => s.compareRows);
  const methods = useAppStore((s) => s.comparedMethods);
  const kind = useAppStore((s) => s.runKind);
  if (!methods) return null;
  const best = rows.reduce((m, r) => (Number.isFinite(r.metric) && r.metric > m ? r.metric : m), -Infinity);
  const reported = scoredOn(rows);
  const name = rows[0]?.metricName ?? 'metric';
  return (
    <table className="compare-table" data-testid="compare-table" data-rows={rows.length}>
      <caption>Method comparison (same init, data order and budget){kind === 'compare' ? ' · running…' : ''}</caption>
      <thead>
        <tr>
          <th scope="col">Method</th>
          <th scope="col" title={reported.title}>{reported.head} (final)</th>
          <th scope="col" title="The best student seen at the validation checks, and its step: chosen on the scenes it is scored on, so it reads high">
            Best val {name} (step)
          </th>
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
              <td data-testid={`compare-metric-${m}`} title={r ? fullPrecision(r.metric) : undefined}>
                {r ? formatReadable(r.metric, 3) : kind === 'compare' ? 'pending' : 'not run'}
                {r && r.metric === best && rows.length > 1 ? ' ★ best' : ''}
              </td>
              <td data-testid={`compare-bestval-${m}`} title={r?.bestVal ? fullPrecision(r.bestVal.metric) : undefined}>
                {r?.bestVal ? `${formatReadable(r.bestVal.metric, 3)} (${r.bestVal.step})` : '—'}
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
