// What each shipped token attends to (the page's "Measure tokens", in Node on wasm): per task, each
// token's mean mask on the background and on each digit over the validation scenes (the report
// chooses recipes and tokens, so it never reads the test scenes), its area, whether it is live, the
// mean pairwise Dice and, with the token-weight branch, each token's mean weight and the effective
// number of tokens (`effective tokens N.NN`). Prints a markdown table per task (docs/experiments.md,
// "The built-in demos").
//
//   tsx scripts/token-report.ts [--tasks segmentation,detection] [--scenes 256]
import { parseArgs } from 'node:util';
import type { Task } from '../src/models/nets';
import { localEngine } from '../src/train/localEngine';
import { tokenReportTable } from './tokenReportTable';

const { values: args } = parseArgs({
  options: { tasks: { type: 'string', default: 'segmentation,detection' }, scenes: { type: 'string', default: '256' } },
});
const tasks = args.tasks.split(',').map((t) => {
  if (t !== 'segmentation' && t !== 'detection') throw new Error(`--tasks: segmentation and/or detection; got ${t}`);
  return t as Task;
});
const scenes = Number(args.scenes);
if (!Number.isInteger(scenes) || scenes < 1) throw new Error('--scenes: a positive integer');

const engine = localEngine();
try {
  await engine.init('', ['wasm']);
  for (const task of tasks) {
    const demo = await engine.loadDemo(task);
    if (!demo.tokens) throw new Error(`no shipped ${task} tokens`);
    console.log(`\n${tokenReportTable(task, await engine.tokenReport(scenes))}`);
  }
} finally {
  engine.terminate();
}
