// Writes src/share/reproductionData.ts: the page's summary of scripts/results/reproduce-<task>.json
// and scripts/results/fresh-2000/reproduce-<task>.json
// (per method and seed the final student's test metric, and the budget), small enough to bundle.
// Run after `npm run reproduce`: `npx tsx scripts/reproduction-summary.ts`;
// src/share/reproduction.test.ts fails while the summary and the results files disagree.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { summariseReproduction, type Reproduction, type ReproductionResultsFile } from '../src/share/reproduction';

export const REPRODUCTION_TASKS = ['segmentation', 'detection'] as const;

/** Where the shipped reproductions are: pretrained students at the plateau budgets, fresh students at 2000 steps. */
export const REPRODUCTION_DIRS = ['scripts/results', 'scripts/results/fresh-2000'] as const;

/** The summaries of the results files there are, by folder, then in task order. */
export function readReproductions(dirs: readonly string[] = REPRODUCTION_DIRS): Reproduction[] {
  return dirs.flatMap((dir) =>
    REPRODUCTION_TASKS.flatMap((task) => {
      const path = `${dir}/reproduce-${task}.json`;
      return existsSync(path) ? [summariseReproduction(JSON.parse(readFileSync(path, 'utf8')) as ReproductionResultsFile)] : [];
    }),
  );
}

export function reproductionDataSource(summaries: readonly Reproduction[]): string {
  return [
    '// Written by scripts/reproduction-summary.ts from scripts/results{,/fresh-2000}/reproduce-<task>.json: do not edit.',
    "import type { Reproduction } from './reproduction';",
    '',
    `export const REPRODUCTIONS: readonly Reproduction[] = ${JSON.stringify(summaries, null, 1)};`,
    '',
  ].join('\n');
}

if (process.argv[1]?.endsWith('reproduction-summary.ts')) {
  writeFileSync('src/share/reproductionData.ts', reproductionDataSource(readReproductions()));
  console.log('wrote src/share/reproductionData.ts');
}
