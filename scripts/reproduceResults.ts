// What `npm run reproduce` keeps per task, and how two processes' files for one task (disjoint
// seeds, the same settings and teacher) become one.
import type { MethodName } from '../src/maskd/methods';
import type { Task } from '../src/models/nets';
import type { CompareConfig } from '../src/engine/runConfigs';
import type { CompareRow } from '../src/engine/runResults';
import type { StudentInit } from '../src/engine/models';

/** What a results file holds; a resumed or merged run must have the same settings and teacher. */
export interface Results {
  readonly task: Task;
  readonly settings: {
    readonly methods: readonly MethodName[];
    readonly config: Omit<CompareConfig, 'seed'>;
    readonly backend: string;
    /** How every method's student started; absent in files from before the pretrained backbone (fresh). */
    readonly studentInit?: StudentInit;
    /** 'per-seed': seed s was scored on its own test draw (TEST_SEED + s); absent: every seed on the same fixed scenes. */
    readonly testDraw?: 'per-seed';
  };
  teacher: { name: string; value: number } | null;
  /** The shipped tokens MasKD distilled through, as their tokens.json's report (validation scenes) records them. */
  tokens?: { readonly live: number; readonly numTokens: number; readonly effective: number | null };
  runtime: string;
  runs: { seed: number; rows: CompareRow[]; wallS: number }[];
}

/**
 * `into` with the runs of `other` it lacks, seeds in order. Refuses files of another task, other
 * settings or another teacher (their seeds are another experiment), and a seed both ran with
 * different rows.
 */
export function mergeResults(into: Results, other: Results): Results {
  if (other.task !== into.task) throw new Error(`cannot merge ${other.task} results into ${into.task} ones`);
  if (JSON.stringify(other.settings) !== JSON.stringify(into.settings)) {
    throw new Error(`the results were run with other settings: ${JSON.stringify(other.settings)} against ${JSON.stringify(into.settings)}`);
  }
  if (into.runs.length && other.runs.length && JSON.stringify(other.teacher) !== JSON.stringify(into.teacher)) {
    throw new Error(`the results were run with another teacher: ${JSON.stringify(other.teacher)} against ${JSON.stringify(into.teacher)}`);
  }
  const runs = [...into.runs];
  for (const r of other.runs) {
    const same = runs.find((x) => x.seed === r.seed);
    if (!same) runs.push(r);
    else if (JSON.stringify(same.rows) !== JSON.stringify(r.rows)) throw new Error(`seed ${r.seed} is in both files with different rows`);
  }
  runs.sort((a, b) => a.seed - b.seed);
  return {
    ...into,
    teacher: into.runs.length ? into.teacher : other.teacher,
    runtime: into.runtime || other.runtime,
    runs,
  };
}
