import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { useWasmBackend } from '../../backends/wasm/node';
import { fixture } from '../../byo/fixtures.testkit';
import { deepSequential, denseOnlySequential, fillGraph, hugeNodeGraph, manyLiveGraph, nestedCalls, unknownOpGraph } from '../../byo/hostileModels.testkit';
import { ModelFileError } from '../../byo/modelFiles';
import type { ModelFileData } from '../../byo/files';
import { loadDigitsNode } from '../../data/digitsNode';
import type { EngineEvent } from '../../engine/contract';
import { cpuTimedAsync } from '../../fuzz.testkit';
import { EngineSession } from '../engineSession';
import { NO_ENV } from '../engineEnv';
import { inProcessProbeHost } from './inProcessProbe';

beforeAll(async () => {
  await useWasmBackend();
});

/** The session's state a refused model must leave as it was: the teacher's metric, the tokens' bits, the tensors. */
async function state(s: EngineSession) {
  const tokens = await s.exportTokens();
  const metric = await s.evaluate('teacher', 4);
  return { metric: metric.teacher?.value, tokens: JSON.stringify(tokens.tokens), tensors: tf.memory().numTensors };
}

const HOSTILE: readonly [string, () => ModelFileData[], RegExp][] = [
  ['a graph node of 12 GiB (2^32 bytes and more: the wasm heap class)', () => hugeNodeGraph(32768), /huge-node\/model\.json: cannot be sized before it runs: node "up" \(ResizeBilinear\) would make a \[1,32768,32768,3\] tensor/],
  ['a constant-shaped [1,8192,8192,3] Fill', () => fillGraph([1, 8192, 8192, 3]), /fill\/model\.json: cannot be sized before it runs: node "big" \(Fill\)/],
  ['50 tensors alive at once, each 3 MiB', () => manyLiveGraph(50, 512), /many-live\/model\.json: .* of tensors alive at once/],
  ['an unknown op', () => unknownOpGraph('FancyOp'), /uses op "FancyOp" \(node "feat\/op"\)/],
  ['a Sequential nested 100 000 deep', () => deepSequential(100_000), /deep\/model\.json: .*nested more than 16 deep/],
  ['a nested model called 16 times at 5 levels, every shape new', () => nestedCalls(16, 5, true), /nested\/model\.json: .*65 536 layer calls/],
  ['a Dense-only Sequential (no 4-D layer)', () => denseOnlySequential(), /dense-only\/model\.json: cannot take the segmentation demo's data: its input is \[N,8\], not an image batch/],
];

it('refuses each hostile model class through the probe and the engine, leaving the teacher, the tokens and the tensors as they were', async () => {
  const events: EngineEvent[] = [];
  const s = new EngineSession((e) => events.push(e), null, { ...NO_ENV, modelProbe: () => inProcessProbeHost() });
  s.pools = loadDigitsNode();
  await s.loadDemoAt('segmentation', 'http://127.0.0.1:1/', { inputSize: 64 });
  await s.learnMasks(1, { numTokens: 3, steps: 1, batchSize: 2, lr: 0.05, diceWeight: 1, tokenWeights: false, seed: 1 });
  const before = await state(s);
  for (const [what, files, message] of HOSTILE) {
    events.length = 0;
    const { value: error, cpuMs } = await cpuTimedAsync(async () => {
      try {
        await s.loadModels({ teacher: { files: files(), label: what } });
      } catch (err) {
        return err;
      }
      return null;
    });
    expect(error, what).toBeInstanceOf(ModelFileError);
    expect((error as Error).message, what).toMatch(message);
    expect((error as Error).message.length, what).toBeLessThan(300);
    expect(cpuMs, what).toBeLessThan(4000);
    if (process.env.FUZZ_STATS) console.log(`${what}: refused in ${cpuMs.toFixed(0)} ms CPU, ${(error as Error).message.length} characters`);
    // The page heard the probe's steps and its end.
    const probe = events.flatMap((e) => (e.type === 'modelProbe' ? [e.progress] : []));
    expect(probe[0]).toMatchObject({ role: 'teacher', label: what, stage: 'starting', budgetMs: 30_000 });
    expect(probe.at(-1)).toBeNull();
    expect(await state(s), what).toEqual(before);
  }
  // A good model still loads after them all.
  events.length = 0;
  const r = await s.loadModels({ teacher: { files: await fixture('teacher-graph'), label: 'teacher-graph' } });
  expect(r.teacher.tapLayer).toBe('feat/Relu');
  const stages = events.flatMap((e) => (e.type === 'modelProbe' && e.progress ? [e.progress.stage] : []));
  expect(stages).toEqual(['starting', 'reading', 'sizing', 'running', 'done']);
  s.dispose();
}, 120_000);
