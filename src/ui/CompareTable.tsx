import { METHODS } from '../maskd/methodInfo';
import type { CompareRow } from '../engine/runResults';
import { useAppStore } from '../state/store';
import { summarise, type Spread } from './compareStats';
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

/** "0.412 ± 0.013" over several seeds, "0.412" for one. */
function meanText(s: Spread, digits: 2 | 3 = 3): string {
  return s.sd === null ? formatReadable(s.mean, digits) : `${formatReadable(s.mean, digits)} ± ${formatReadable(s.sd, 2)}`;
}

export function CompareTable() {
  const rows = useAppStore((s) => s.compareRows);
  const methods = useAppStore((s) => s.comparedMethods);
  const seeds = useAppStore((s) => s.comparedSeeds);
  const kind = useAppStore((s) => s.runKind);
  if (!methods) return null;
  const summaries = methods.map((m) => summarise(rows, m, seeds));
  const best = summaries.reduce((m, s) => (s.metric && s.metric.mean > m ? s.metric.mean : m), -Infinity);
  const reported = scoredOn(rows);
  const name = rows[0]?.metricName ?? 'metric';
  const several = seeds !== null && seeds.length > 1;
  const seedNote = several ? `, mean ± sd over ${seeds.length} seeds` : '';
  return (
    <table className="compare-table" data-testid="compare-table" data-rows={rows.length} data-seeds={seeds?.length ?? 1}>
      <caption>
        Method comparison (same init, data order and budget{several ? ` per seed; seeds ${seeds.join(', ')}` : ''}){kind === 'compare' ? ' · running…' : ''}
      </caption>
      <thead>
        <tr>
          <th scope="col">Method</th>
          <th scope="col" title={`${reported.title}${several ? '; mean ± the sample standard deviation of the seeds' : ''}`}>
            {reported.head} (final{seedNote})
          </th>
          <th scope="col" title="The best student seen at the validation checks, and its step: chosen on the scenes it is scored on, so it reads high">
            Best val {name} {several ? '(mean ± sd)' : '(step)'}
          </th>
          <th scope="col">Final loss</th>
          <th scope="col">ms / step</th>
        </tr>
      </thead>
      <tbody>
        {summaries.map((s) => {
          const m = s.method;
          const one = s.rows.length === 1 && !several ? s.rows[0] : null;
          const perSeed = s.rows.map((r) => `seed ${r.seed ?? '?'}: ${fullPrecision(r.metric)}`).join('\n');
          const pending = several && s.rows.length < seeds.length ? ` (${s.rows.length} of ${seeds.length} seeds)` : '';
          return (
            <tr key={m} data-testid={`compare-row-${m}`} data-done={s.rows.length && !pending ? 'true' : 'false'} data-seeds-done={s.rows.length}>
              <th scope="row">{METHODS[m].label}</th>
              <td data-testid={`compare-metric-${m}`} title={s.metric ? (several ? perSeed : fullPrecision(s.metric.mean)) : undefined}>
                {s.metric ? meanText(s.metric) : kind === 'compare' ? 'pending' : 'not run'}
                {pending}
                {s.metric && s.metric.mean === best && summaries.filter((x) => x.metric).length > 1 ? ' ★ best' : ''}
              </td>
              <td data-testid={`compare-bestval-${m}`}
                title={s.bestVal ? s.rows.map((r) => (r.bestVal ? `seed ${r.seed ?? '?'}: ${fullPrecision(r.bestVal.metric)} at step ${r.bestVal.step}` : '')).join('\n') : undefined}>
                {one?.bestVal ? `${formatReadable(one.bestVal.metric, 3)} (${one.bestVal.step})` : !one && s.bestVal ? meanText(s.bestVal) : '—'}
              </td>
              <td title={s.finalLoss ? fullPrecision(s.finalLoss.mean) : undefined}>{s.finalLoss ? formatReadable(s.finalLoss.mean) : '—'}</td>
              <td title={s.msPerStep ? fullPrecision(s.msPerStep.mean) : undefined}>{s.msPerStep ? formatReadable(s.msPerStep.mean, 3) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
