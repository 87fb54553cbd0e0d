// What every way of restoring a run (a run file, this browser's storage, a checkpoint back from
// PyTorch) does to the page once the engine has said yes: the other task's demo in place, the
// Setup and history in one store update, and the notice about clamped settings.
import type { DemoLoaded } from '../engine/models';
import type { ParsedRunFile } from '../share/runFile';
import { pushWarnings } from './messages';
import type { PytorchReturn } from './runSlice';
import { store, type AppState } from './store';

/** Makes a demo the engine loaded for a restored run of another task the page's. */
export function showRestoredDemo(task: ParsedRunFile['config']['task'], demo: DemoLoaded | null): void {
  if (!demo) return;
  store().setTask(task);
  store().demoLoaded(demo);
  pushWarnings(store().pushMessage, demo.warnings);
}

/** The store fields a restored run sets: its Setup and curves, no comparison, no run in progress. */
export function restoredRunFields(
  run: ParsedRunFile,
  own: {
    distill: AppState['distill'];
    customMaskFrom: number | null;
    savedHistory: AppState['savedHistory'];
    pytorchReturn: PytorchReturn | null;
  },
): Partial<AppState> {
  const { config } = run;
  return {
    seed: config.seed,
    mask: config.mask,
    compareMethods: config.compareMethods,
    losses: run.losses,
    metrics: run.metrics,
    compareRows: [],
    comparedMethods: null,
    comparedSeeds: null,
    progress: null,
    ...own,
  };
}

/** Says which of the file's settings were outside the Setup ranges and clamped, if any. */
export function pushClampedNotice(run: ParsedRunFile, name: string): void {
  if (run.clamped.length) store().pushMessage(`${name} holds settings outside the Setup ranges; they were clamped. ${run.clamped.join('. ')}.`, 'info');
}
