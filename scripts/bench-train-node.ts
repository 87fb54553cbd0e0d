// The Node column of the training-step benchmark (scripts/bench-train.mjs starts it with tsx):
// tfjs on the wasm backend with the training kernels (SIMD, no threads in Node). Reads one JSON
// request a line on stdin ({"row": "teacher", "steps": 3, "profile": false}) and answers each on stdout as a line
// "@@bench <json>"; progress goes to stderr. Other stdout lines (tfjs's banner) are not answers.
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { useWasmBackend as startWasmBackend } from '../src/backends/wasm/node';
import { loadDigitsNode } from '../src/data/digitsNode';
import { benchRow, isBenchRow } from '../e2e/harness/trainSteps';

const answer = (body: unknown): void => {
  process.stdout.write(`@@bench ${JSON.stringify(body)}\n`);
};

await startWasmBackend();
const pools = loadDigitsNode();
answer({
  type: 'ready',
  backend: tf.getBackend(),
  wasm: {
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    multithread: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    threads: getThreadsCount(),
  },
  node: process.version,
});

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  try {
    const { row, steps, profile } = JSON.parse(line) as { row: unknown; steps: number; profile?: boolean };
    if (!isBenchRow(row)) throw new Error(`unknown row ${String(row)}`);
    const result = await benchRow(row, pools, steps, (l) => process.stderr.write(`  [node] ${l}\n`), { profile });
    answer({ type: 'result', result });
  } catch (err) {
    answer({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}
