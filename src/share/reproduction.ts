// The reproductions (`npm run reproduce`: scripts/results/reproduce-<task>.json, pretrained students
// at each task's plateau; scripts/results/fresh-2000/, fresh students at 2000 steps) as the page
// shows them beside a live comparison of the same student start: per task its budget and, per
// method, the test metric of each seed. The
// page bundles only this summary (reproductionData.ts, written by scripts/reproduction-summary.ts);
// its means and intervals come from stats.ts, as the reproduction's own tables do. No tensors.
import type { MethodName } from '../maskd/methodInfo';
import { REPRODUCTIONS } from './reproductionData';

export type ReproductionTask = 'segmentation' | 'detection';

export interface Reproduction {
  readonly task: ReproductionTask;
  /** The metric's name (mIoU, AP@0.5), as the live rows name theirs. */
  readonly metricName: string;
  /** What each value was scored on: the final student on this many test scenes. */
  readonly scenes: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  /** How the students started: 'fresh' (a seeded init) unless the results file says otherwise. */
  readonly studentInit: string;
  readonly seeds: readonly number[];
  /** The teacher's validation metric in that run, when recorded. */
  readonly teacher: number | null;
  /** Per method, its test metric on each seed of `seeds`, in that order (rounded to 5 decimals). */
  readonly methods: readonly { readonly method: MethodName; readonly values: readonly number[] }[];
}

/** The parts of a results file the summary reads (scripts/reproduceResults.ts has the whole type). */
export interface ReproductionResultsFile {
  readonly task: ReproductionTask;
  readonly settings: {
    readonly methods: readonly MethodName[];
    readonly config: { readonly steps: number; readonly batchSize: number; readonly lr: number; readonly testCount?: number };
    /** How the students started (scripts/reproduce.ts --student-init); absent in files from before it: fresh. */
    readonly studentInit?: string;
  };
  readonly teacher: { readonly value: number } | null;
  readonly runs: readonly {
    readonly seed: number;
    readonly rows: readonly { readonly method: MethodName; readonly metric: number; readonly metricName: string; readonly scored?: { readonly scenes: number } }[];
  }[];
}

const round5 = (x: number) => Math.round(x * 1e5) / 1e5;

/** A results file as the page's summary: only seeds every method finished, values rounded. */
export function summariseReproduction(file: ReproductionResultsFile): Reproduction {
  const methods = file.settings.methods;
  const complete = file.runs.filter((r) => methods.every((m) => r.rows.some((row) => row.method === m)));
  const first = complete[0]?.rows[0];
  const init = file.settings.studentInit;
  return {
    task: file.task,
    metricName: first?.metricName ?? 'metric',
    scenes: first?.scored?.scenes ?? file.settings.config.testCount ?? 0,
    steps: file.settings.config.steps,
    batchSize: file.settings.config.batchSize,
    lr: file.settings.config.lr,
    studentInit: typeof init === 'string' ? init : 'fresh',
    seeds: complete.map((r) => r.seed),
    teacher: file.teacher ? round5(file.teacher.value) : null,
    methods: methods.map((method) => ({
      method,
      values: complete.map((r) => round5((r.rows.find((row) => row.method === method) as { metric: number }).metric)),
    })),
  };
}

/** The shipped reproduction of a demo task whose students started as `studentInit` ('pretrained' or 'fresh'), if there is one. */
export function reproductionOf(task: string, studentInit: string): Reproduction | null {
  return (REPRODUCTIONS as readonly Reproduction[]).find((r) => r.task === task && r.studentInit === studentInit) ?? null;
}

/**
 * The reproduction to show beside a live comparison: the shipped one of the task and the students'
 * start, only when the run used the demo's shipped teacher and scored the reproduction's metric.
 */
export function reproductionForRun(run: { task: string; studentInit: string; teacherSource: string | undefined; metricName: string | undefined }): Reproduction | null {
  const r = reproductionOf(run.task, run.studentInit);
  if (!r || run.teacherSource !== `builtin:${run.task}-teacher`) return null;
  return run.metricName === undefined || run.metricName === r.metricName ? r : null;
}

/** "2000 steps × batch 8, 5 seeds, fresh students": the budget a reproduction row stands for. */
export function reproductionBudget(r: Reproduction): string {
  return `${r.steps} steps × batch ${r.batchSize}, ${r.seeds.length} seed${r.seeds.length === 1 ? '' : 's'}, ${r.studentInit} student init`;
}
