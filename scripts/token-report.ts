// What each shipped token attends to (the page's "Measure tokens", in Node on wasm): per task, each
// token's mean mask on the background and on each digit over the test scenes, its area, whether it
// is live, and the mean pairwise Dice. Prints a markdown table per task (docs/experiments.md, "The built-in demos").
//
//   tsx scripts/token-report.ts [--tasks segmentation,detection] [--scenes 256]
import { parseArgs } from 'node:util';
import type { TokenReport } from '../src/engine/tokens';
import type { Task } from '../src/models/nets';
import { localEngine } from '../src/train/localEngine';

const { values: args } = parseArgs({
  options: { tasks: { type: 'string', default: 'segmentation,detection' }, scenes: { type: 'string', default: '256' } },
});
const tasks = args.tasks.split(',').map((t) => {
  if (t !== 'segmentation' && t !== 'detection') throw new Error(`--tasks: segmentation and/or detection; got ${t}`);
  return t as Task;
});
const scenes = Number(args.scenes);
if (!Number.isInteger(scenes) || scenes < 1) throw new Error('--scenes: a positive integer');

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');

function table(task: Task, r: TokenReport): string {
  const head = ['token', 'area', 'live', ...r.labels.map((l) => (l === 'background' ? 'bg' : l))];
  const lines = [
    `**${task}**: ${r.liveCount} of ${r.numTokens} tokens live (mean area in (${r.liveArea.min}, ${r.liveArea.max})), mean pairwise Dice ${r.meanDice.toFixed(3)}, ${r.scenes} ${r.split} scenes`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---:').join('|')}|`,
    ...r.area.map((a, t) => `| ${t + 1} | ${f2(a)} | ${r.live[t] ? 'yes' : 'no'} | ${r.perClass[t].map(f2).join(' | ')} |`),
  ];
  return lines.join('\n');
}

const engine = localEngine();
try {
  await engine.init('', ['wasm']);
  for (const task of tasks) {
    const demo = await engine.loadDemo(task);
    if (!demo.tokens) throw new Error(`no shipped ${task} tokens`);
    console.log(`\n${table(task, await engine.tokenReport(scenes))}`);
  }
} finally {
  engine.terminate();
}
