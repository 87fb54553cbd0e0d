import { METHODS, type MethodName } from '../maskd/methodInfo';
import type { CompareRow } from '../engine/runResults';
import { reproductionBudget, reproductionForRun, type Reproduction } from '../share/reproduction';
import { ci95, verdictOf, type Interval } from '../share/stats';
import { useAppStore, type AppState } from '../state/store';
import { compareCaveat } from './compareCaveat';
import { pairedBySeed, starredMethod, summarise } from './compareStats';
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

/** "0.412 ± 0.013" (a 95% interval) over several values, "0.412" for one. */
function meanText(s: Interval, digits: 2 | 3 = 3): string {
  return Number.isNaN(s.half) ? formatReadable(s.mean, digits) : `${formatReadable(s.mean, digits)} ± ${formatReadable(s.half, 2)}`;
}

/** A difference with its sign: "+0.062 ± 0.047". */
function diffText(d: Interval): string {
  const sign = d.mean > 0 ? '+' : '';
  return `${sign}${meanText(d)}`;
}

const reproductionFor = (s: AppState): Reproduction | null =>
  reproductionForRun({ task: s.task, studentInit: s.studentInit, teacherSource: s.teacher?.source, metricName: s.compareRows[0]?.metricName });

export function CompareTable() {
  const rows = useAppStore((s) => s.compareRows);
  const methods = useAppStore((s) => s.comparedMethods);
  const seeds = useAppStore((s) => s.comparedSeeds);
  const kind = useAppStore((s) => s.runKind);
  const standing = useAppStore((s) => s.progress?.compare ?? null);
  const reproduction = useAppStore(reproductionFor);
  if (!methods) return null;
  const summaries = methods.map((m) => summarise(rows, m, seeds));
  const star = starredMethod(summaries);
  const reported = scoredOn(rows);
  const name = rows[0]?.metricName ?? 'metric';
  const several = seeds !== null && seeds.length > 1;
  const seedNote = several ? `, mean ± 95% CI over ${seeds.length} seeds` : '';
  const alone = summaries.find((s) => s.method === 'none');
  const showDiff = several && alone !== undefined;
  const caveat = compareCaveat(
    { seeds: seeds?.length ?? 1, steps: standing?.stepsPerRun ?? null, batchSize: standing?.batchSize ?? null },
    methods,
    reproduction,
  );
  const budget = reproduction ? reproductionBudget(reproduction) : '';
  const reproOf = (m: MethodName) => reproduction?.methods.find((x) => x.method === m)?.values ?? [];
  return (
    <div className="compare">
      <table className="compare-table" data-testid="compare-table" data-rows={rows.length} data-seeds={seeds?.length ?? 1} data-starred={star ?? ''}>
        <caption>
          Method comparison (same init, data order and budget{several ? ` per seed; seeds ${seeds.join(', ')}` : ''}){kind === 'compare' ? ' · running…' : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col" title={`${reported.title}${several ? '; mean ± the 95% confidence interval over the seeds (Student’s t)' : ''}`}>
              {reported.head} (final{seedNote})
            </th>
            {showDiff && (
              <th scope="col" title="Each method minus the student alone on the same seed (same init and data order), mean ± 95% CI">
                − No distillation (paired)
              </th>
            )}
            {reproduction && (
              <th scope="col" data-testid="compare-repro-head"
                title={`npm run reproduce (docs/experiments.md): the final student on ${reproduction.scenes} test scenes, mean ± 95% CI over seeds ${reproduction.seeds.join(', ')}; ${budget}, lr ${reproduction.lr}`}>
                Reproduction {reproduction.metricName} (mean ± 95% CI; {budget})
              </th>
            )}
            <th scope="col" title="The best student seen at the validation checks, and its step: chosen on the scenes it is scored on, so it reads high">
              Best val {name} {several ? '(mean ± CI)' : '(step)'}
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
            const diff = showDiff && m !== 'none' ? pairedBySeed(s, alone) : null;
            const repro = reproOf(m);
            return (
              <tr key={m} data-testid={`compare-row-${m}`} data-done={s.rows.length && !pending ? 'true' : 'false'} data-seeds-done={s.rows.length}>
                <th scope="row">{METHODS[m].label}</th>
                <td data-testid={`compare-metric-${m}`} title={s.metric ? (several ? perSeed : fullPrecision(s.metric.mean)) : undefined}>
                  {s.metric ? meanText(s.metric) : kind === 'compare' ? 'pending' : 'not run'}
                  {pending}
                  {star === m ? ' ★ best' : ''}
                </td>
                {showDiff && (
                  <td data-testid={`compare-diff-${m}`} title={diff ? `over ${diff.n} seed${diff.n === 1 ? '' : 's'}: ${verdictOf(diff)}` : undefined}>
                    {m === 'none' ? '—' : diff ? `${diffText(diff)}${verdictOf(diff) === 'not distinguishable' ? ' (≈ 0)' : ''}` : 'pending'}
                  </td>
                )}
                {reproduction && (
                  <td data-testid={`compare-repro-${m}`}
                    title={repro.length ? `${reproduction.seeds.map((seed, i) => `seed ${seed}: ${repro[i]}`).join('\n')}\n${budget}` : 'not in the reproduction'}>
                    {repro.length ? meanText(ci95(repro)) : '—'}
                  </td>
                )}
                <td data-testid={`compare-bestval-${m}`}
                  title={s.bestVal ? s.rows.map((r) => (r.bestVal ? `seed ${r.seed ?? '?'}: ${fullPrecision(r.bestVal.metric)} at step ${r.bestVal.step}` : '')).join('\n') : undefined}>
                  {one?.bestVal ? `${formatReadable(one.bestVal.metric, 3)} (${one.bestVal.step})` : !one && s.bestVal ? meanText(s.bestVal) : '—'}
                </td>
                <td data-testid={`compare-loss-${m}`} title={s.finalLoss ? fullPrecision(s.finalLoss.mean) : undefined}>{s.finalLoss ? formatReadable(s.finalLoss.mean) : '—'}</td>
                <td title={s.msPerStep ? fullPrecision(s.msPerStep.mean) : undefined}>{s.msPerStep ? formatReadable(s.msPerStep.mean, 3) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted compare-caveat" data-testid="compare-caveat">{caveat}</p>
    </div>
  );
}
