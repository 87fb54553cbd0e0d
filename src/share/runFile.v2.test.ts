// Run files of formatVersion 2 (what a run bundle's train.py writes): handover, result and a
// stage-2 checkpoint, every field checked before use; the checkpoint's arrays and numbers counted
// and each shape checked against its list before any Float32Array is made. Hostile files are
// refused with a message naming the field or the limit (src/limits.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertBounded } from '../fuzz.testkit';
import { defaultDistillSettings, defaultMaskSettings } from '../state/setupSlice';
import { LIMITS } from '../limits';
import { sampleHistory } from './history.testkit';
import { buildRunFile, parseRunFile, RunFileError, type RunContents } from './runFile';
import { readRunCheckpoint } from './runCheckpoint';

function sampleRun(): RunContents {
  return {
    config: {
      task: 'segmentation',
      seed: 7,
      mask: { ...defaultMaskSettings('segmentation'), numTokens: 2, steps: 5 },
      distill: { ...defaultDistillSettings('segmentation'), method: 'maskd', steps: 4 },
      compareMethods: ['none', 'maskd'],
    },
    tokens: { tokens: { name: 'mask_token', shape: [2, 3], data: [0.1, 0.2, 0.3, -0.1, -0.2, -0.3] } },
    ...sampleHistory(),
  };
}

/** A small stage-2 checkpoint in checkpointToJson's form (arrays as number lists), at step 4 of 6, browser steps 1–2 then PyTorch 3–4. */
function sampleCheckpoint() {
  const arr = (name: string, shape: number[], start: number) => ({ name, shape, data: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => start + i / 8) });
  return {
    version: 1,
    kind: 'distill',
    config: { method: 'maskd', params: { lossWeight: 2 }, steps: 6, batchSize: 2, lr: 0.002, seed: 7, evalEvery: 2, valCount: 4 },
    task: 'segmentation',
    inputSize: 64,
    studentInit: 'pretrained',
    step: 4,
    total: 6,
    lr: 0.002,
    savedAt: 1_765_000_000_000,
    reason: 'export',
    backend: 'pytorch',
    tokens: arr('mask_token', [2, 3], 0),
    branch: null,
    student: [arr('conv/kernel', [1, 1, 2, 3], 1), arr('conv/bias', [3], 2)],
    align: [arr('align_conv/kernel', [1, 1, 3, 3], 3)],
    optimizer: [arr('iter', [], 4), arr('m0', [1, 1, 2, 3], 0), arr('v0', [1, 1, 2, 3], 0)],
    best: { metric: 0.4, step: 4, weights: [arr('conv/kernel', [1, 1, 2, 3], 5), arr('conv/bias', [3], 6)] },
    history: [1, 2, 3, 4].map((step) => ({ step, losses: { task: 1 / step, distill: 0.5 / step, total: 1.5 / step }, ...(step % 2 === 0 ? { metric: { name: 'mIoU', value: step / 10 } } : {}), where: step > 2 ? 'pytorch' : 'browser' })),
  };
}

function sampleFile() {
  const f = JSON.parse(buildRunFile(sampleRun(), '2026-12-07T12:00:00.000Z', 'maskd-playground train.py'));
  f.formatVersion = 2;
  f.handover = { step: 2, engine: 'pytorch', processes: 2, device: 'cpu', torch: '1.13.1' };
  f.result = { split: 'test', metric: 'mIoU', value: 0.412, step: 4, scenes: 128 };
  f.checkpoint = sampleCheckpoint();
  return f;
}

const parse = (f: unknown) => parseRunFile(JSON.stringify(f));
const refused = (mut: (f: ReturnType<typeof sampleFile>) => void) => {
  const f = sampleFile();
  mut(f);
  return () => parse(f);
};

describe('run file, format version 2', () => {
  it('reads handover, result and the checkpoint (arrays as Float32Arrays, history entries cleaned)', () => {
    const run = parse(sampleFile());
    expect(run.config.task).toBe('segmentation');
    expect(run.handover).toEqual({ step: 2, engine: 'pytorch', processes: 2, device: 'cpu', torch: '1.13.1' });
    expect(run.result).toEqual({ split: 'test', metric: 'mIoU', value: 0.412, step: 4, scenes: 128 });
    const c = run.checkpoint!;
    expect(c.kind).toBe('distill');
    expect(c.step).toBe(4);
    expect(c.student![0].data).toBeInstanceOf(Float32Array);
    expect(Array.from(c.student![1].data)).toEqual([2, 2.125, 2.25]);
    expect(c.optimizer[0].shape).toEqual([]);
    expect(c.optimizer[0].data.length).toBe(1);
    expect(c.history.map((h) => h.step)).toEqual([1, 2, 3, 4]);
    // "where" is train.py's own key: dropped.
    expect(c.history[3]).toEqual({ step: 4, losses: { task: 0.25, distill: 0.125, total: 0.375 }, metric: { name: 'mIoU', value: 0.4 } });
    // The checkpoint's config is checked like the file's: the method's parameters filled with its defaults.
    expect(c.kind === 'distill' && c.config.params.lossWeight).toBe(2);
    expect(c.kind === 'distill' && typeof c.config.params.customMask).toBe('boolean');
  });

  it('train.py may go past the page\'s budget: config.steps below the checkpoint\'s step, total = that step', () => {
    const f = sampleFile();
    f.checkpoint.config.steps = 2;
    f.checkpoint.total = 4;
    const c = parse(f).checkpoint!;
    expect([c.step, c.total, c.kind === 'distill' && c.config.steps]).toEqual([4, 4, 2]);
  });

  it('the three fields are optional; version 1 files read as before', () => {
    const f = sampleFile();
    delete f.handover;
    f.result = null;
    delete f.checkpoint;
    const run = parse(f);
    expect([run.handover, run.result, run.checkpoint]).toEqual([null, null, null]);
    const v1 = parseRunFile(buildRunFile(sampleRun(), 'x'));
    expect('handover' in v1 || 'checkpoint' in v1).toBe(false);
    expect(v1.config).toEqual(sampleRun().config);
  });

  it('refuses each malformed field by name', () => {
    expect(refused((f) => (f.formatVersion = 3))).toThrow(/format version 3; this page reads versions 1 and 2/);
    expect(refused((f) => (f.handover.engine = 'jax'))).toThrow(/handover.engine/);
    expect(refused((f) => (f.handover.processes = 0))).toThrow(/handover.processes/);
    expect(refused((f) => (f.handover.torch = '<script>'))).toThrow(/handover.torch/);
    expect(refused((f) => (f.handover.step = 4))).toThrow(/handover.step 4 must be before the checkpoint's step 4/);
    expect(refused((f) => (f.result.metric = 'AP@0.5'))).toThrow(/result.metric is AP@0.5, but a segmentation run is scored by mIoU/);
    expect(refused((f) => (f.result.value = 1.5))).toThrow(/result.value/);
    expect(refused((f) => (f.result.step = 5))).toThrow(/result.step 5 is after the checkpoint's step 4/);
    expect(refused((f) => (f.checkpoint.task = 'detection'))).toThrow(/checkpoint: its task is detection, the run's is segmentation/);
    expect(refused((f) => (f.checkpoint.kind = 'masks'))).toThrow(/only a stage-2/);
    expect(refused((f) => (f.checkpoint.step = 7))).toThrow(/step 7 is outside 0…6/);
    expect(refused((f) => (f.checkpoint.config.method = 'magic'))).toThrow(/checkpoint.config.method/);
    expect(refused((f) => (f.checkpoint.config.params = { evil: 1 }))).toThrow(/unknown parameter "evil"/);
    expect(refused((f) => (f.checkpoint.config.steps = 0))).toThrow(/checkpoint.config.steps must be an integer in \[1,/);
    expect(refused((f) => (f.checkpoint.best.metric = 'high'))).toThrow(/best.metric/);
    expect(refused((f) => (f.checkpoint.history[1].step = 1))).toThrow(/history\[1\].step must be an integer above the one before/);
    expect(refused((f) => (f.checkpoint.history[0].losses.total = 'NaN'))).toThrow(/history\[0\].losses: "total" must be a short name with a finite number/);
    expect(refused((f) => (f.checkpoint.compare = { methods: ['maskd'], rows: [], histories: {} }))).toThrow(/comparison's checkpoint/);
    expect(refused((f) => (f.checkpoint.inputSize = 4096))).toThrow(/inputSize/);
  });
});

describe('run file checkpoint, hostile input', () => {
  it('a huge declared shape is refused from its list\'s length: nothing of its size is allocated', () => {
    for (const shape of [[1e9, 1e9, 1e9], [2 ** 53, 2], [3, 1e300]]) {
      expect(refused((f) => (f.checkpoint.student[1].shape = shape))).toThrow(/student\[1\] \("conv\/bias"\): shape .* needs .* values, the list has 3|shape must be a list/);
    }
    expect(refused((f) => (f.checkpoint.student[1].shape = [3, -1]))).toThrow(/shape must be a list of at most 8 non-negative integers/);
    expect(refused((f) => (f.checkpoint.student[1].shape = [1, 1, 1, 1, 1, 1, 1, 1, 3]))).toThrow(/at most 8/);
  });

  it('NaN, infinities, strings and values over 10⁶ in an array are refused', () => {
    expect(() => parseRunFile(JSON.stringify(sampleFile()).replace('"data":[2,2.125,2.25]', '"data":[2,1e400,2.25]'))).toThrow(/conv\/bias.*not a finite number/);
    expect(refused((f) => (f.checkpoint.student[1].data[0] = 'NaN'))).toThrow(/not a finite number/);
    expect(refused((f) => (f.checkpoint.student[1].data[0] = null))).toThrow(/not a finite number/);
    expect(refused((f) => (f.checkpoint.align[0].data[0] = 2e6))).toThrow(/align\[0\].*magnitude/);
  });

  it('wrong names and wrong kinds of arrays are refused', () => {
    expect(refused((f) => (f.checkpoint.student[0].name = ''))).toThrow(/student\[0\].name must be a name/);
    expect(refused((f) => (f.checkpoint.student[0].name = 'x'.repeat(300)))).toThrow(/student\[0\].name/);
    expect(refused((f) => (f.checkpoint.student[0].data = { 0: 1, length: 6 }))).toThrow(/data must be a list of numbers/);
    expect(refused((f) => (f.checkpoint.student = 'weights'))).toThrow(/student must be a list of arrays/);
  });

  it('more arrays than the limit are refused before any is read', () => {
    const n = LIMITS.runFileCheckpointArrays.value + 1;
    const f = sampleFile();
    f.checkpoint.optimizer = Array.from({ length: n - 6 }, (_, i) => ({ name: `m${i}`, shape: [1], data: [0] }));
    expect(() => parse(f)).toThrow(/more than 4 096 arrays, over the 4 096 arrays limit/);
    expect(() => parse(f)).toThrow(RunFileError);
  });

  it('more numbers than the limit are refused from the lists\' lengths, before any value is looked at', () => {
    const f = sampleFile();
    // A sparse list: its length says 16 M + 1 and nothing is behind it; the count alone must refuse it.
    const huge = { name: 'big', shape: [LIMITS.runFileCheckpointValues.value + 1], data: new Array(LIMITS.runFileCheckpointValues.value + 1) };
    f.checkpoint.student.push(huge);
    // Through the checkpoint reader directly: JSON text would have to spell the 16 M values out.
    expect(() => parseRunFileValue(f)).toThrow(/more than 16 777 216 numbers, over the 16 777 216 numbers \(64 MiB of float32\) limit/);
  });

  it('more history entries than the limit are refused by count', () => {
    const f = sampleFile();
    f.checkpoint.history = new Array(LIMITS.runFileCheckpointHistory.value + 1);
    expect(() => parseRunFileValue(f)).toThrow(/100 001 history entries, over the 100 000 steps limit/);
  });

  it('a version 1 file may not open a checkpoint\'s worth of objects', () => {
    const f = JSON.parse(buildRunFile(sampleRun(), 'x'));
    f.padding = Array.from({ length: LIMITS.runFileSeries.value + 100 }, () => ({}));
    expect(() => parse(f)).toThrow(/more than 1 064 JSON objects/);
    const g = sampleFile();
    g.checkpoint.optimizer.push(...Array.from({ length: 1200 }, (_, i) => ({ name: `m${i}`, shape: [1], data: [0] })));
    expect(parse(g).checkpoint!.optimizer.length).toBe(1203);
  });
});

describe('run file v2 fuzzing: a run whose checkpoint holds what its shapes say, or a RunFileError, bounded', () => {
  const valid = sampleFile();
  const leaf = fc.oneof(fc.double(), fc.integer({ min: -10, max: 1e9 }), fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null), fc.constantFrom(0, -1, 2 ** 53, 1e300), fc.anything({ maxDepth: 1 }));
  /** The valid file with a few values (found by path, from the root or from its checkpoint) replaced. */
  const mutated = fc.array(fc.tuple(fc.boolean(), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), leaf), { minLength: 1, maxLength: 4 }).map((edits) => {
    const f = structuredClone(valid);
    for (const [inCheckpoint, path, value] of edits) {
      let node: unknown = inCheckpoint ? f.checkpoint : f;
      for (let i = 0; i < path.length; i++) {
        if (typeof node !== 'object' || node === null) break;
        const keys = Object.keys(node);
        if (!keys.length) break;
        const key = keys[path[i] % keys.length];
        if (i === path.length - 1) (node as Record<string, unknown>)[key] = value;
        else node = (node as Record<string, unknown>)[key];
      }
    }
    return JSON.stringify(f);
  });
  const texts = fc.oneof(mutated, mutated.chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))));

  it('parseRunFile', () => {
    const stats = assertBounded(
      texts,
      (text) => {
        const c = parseRunFile(text).checkpoint;
        if (!c) return;
        for (const a of [...(c.student ?? []), ...(c.align ?? []), ...c.optimizer, ...(c.best?.weights ?? [])]) {
          expect(a.data).toBeInstanceOf(Float32Array);
          expect(a.data.length).toBe(a.shape.reduce((x, y) => x * y, 1));
          expect(a.data.every((v) => Math.abs(v) <= 1e6)).toBe(true);
        }
        expect(c.history.every((h, i) => i === 0 || h.step > c.history[i - 1].step)).toBe(true);
      },
      RunFileError,
      { numRuns: 400 },
    );
    expect(stats.accepted).toBeGreaterThan(20);
    expect(stats.refused).toBeGreaterThan(100);
  });
});

/** The checkpoint reader on an object (no JSON text): for inputs whose text would be too large to build in a test. */
function parseRunFileValue(f: ReturnType<typeof sampleFile>) {
  return readRunCheckpoint(f.checkpoint, (msg: string): never => {
    throw new RunFileError(`run file: ${msg}`);
  });
}
