// Run files and history JSON: the number of series is capped (not just the points), every value is
// finite (1e999 parses to Infinity and is refused), and keys a file made up are quoted short.
// Property-based over series counts, values and key lengths; each refusal a RunFileError with a
// message under 300 characters, in bounded CPU (this process's, not wall time).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpuTimed } from '../fuzz.testkit';
import { LIMITS } from '../limits';
import { defaultDistillSettings, defaultMaskSettings } from '../state/setupSlice';
import { sampleHistory } from './history.testkit';
import { countJsonObjects } from './jsonObjects';
import { buildRunFile, parseRunFile, RunFileError, type RunContents } from './runFile';

const memory = () => process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;

function runJson(): Record<string, unknown> & { history: { losses: unknown[]; metrics: unknown[] }; config: { distill: { params: Record<string, Record<string, unknown>> } } } {
  const run: RunContents = {
    config: {
      task: 'segmentation',
      seed: 3,
      mask: { ...defaultMaskSettings('segmentation'), numTokens: 2, steps: 12 },
      distill: { ...defaultDistillSettings('segmentation'), steps: 9 },
      compareMethods: ['none', 'maskd'],
    },
    tokens: null,
    ...sampleHistory(),
  };
  return JSON.parse(buildRunFile(run, 'x'));
}

/** Series text for `n` one-point series, written as a run file would hold them (distinct terms). */
const manySeries = (n: number): string => Array.from({ length: n }, (_, i) => `{"stage":"masks","method":null,"term":"t${i.toString(36)}","points":[[1,0]]}`).join(',');

function refusal(text: string): RunFileError {
  try {
    parseRunFile(text);
  } catch (e) {
    expect(e).toBeInstanceOf(RunFileError);
    expect((e as Error).message.length).toBeLessThan(300);
    return e as RunFileError;
  }
  throw new Error('accepted');
}

describe('run file history: series counted, values finite', () => {
  it('up to the series cap is read; one more is refused from the lists’ lengths (series counts generated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LIMITS.runFileSeries.value + 20 }), fc.nat(20), (losses, metrics) => {
        const f = runJson();
        f.history.losses = JSON.parse(`[${manySeries(losses)}]`);
        f.history.metrics = JSON.parse(`[${manySeries(metrics)}]`.replace(/"t(\d+)"/g, '"m$1"'));
        const out = JSON.stringify(f);
        if (losses + metrics <= LIMITS.runFileSeries.value) {
          const run = parseRunFile(out);
          expect(Object.keys(run.losses).length + Object.keys(run.metrics).length).toBe(losses + metrics);
        } else {
          expect(refusal(out).message).toMatch(/series, over the 1 000 series limit on loss and metric series/);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('a million one-point series are refused from the text, before JSON.parse makes an object', () => {
    const f = runJson();
    f.history.losses = [];
    const text = JSON.stringify(f).replace('"losses":[]', `"losses":[${manySeries(1_000_000)}]`);
    // Flat, as File.text() gives it (a string built by concatenation is flattened on its first scan).
    expect(text.indexOf('\u0001')).toBe(-1);
    const m0 = memory();
    const { value: err, cpuMs } = cpuTimed(() => refusal(text));
    const grown = memory() - m0;
    // The cap before parsing leaves room for a version 2 file's checkpoint; a version 1 file is held to 1 064 after it.
    expect(err.message).toMatch(/^run file: more than 205 224 JSON objects: a run holds its settings, tokens, at most 1 000 series \(the 1 000 series limit\) and a checkpoint of at most 4 096 arrays and 100 000 steps; it was not parsed/);
    if (process.env.FUZZ_STATS) console.log(`[issue25] ${(text.length / 1e6).toFixed(1)} MB run file of 1 M series: refused in ${cpuMs.toFixed(1)} ms CPU, +${(grown / 2 ** 20).toFixed(1)} MiB, message ${err.message.length} chars`);
    expect(cpuMs).toBeLessThan(500);
    expect(grown).toBeLessThan(16 * 2 ** 20);
  });

  it('braces inside strings are not objects; objects are counted whatever the text around them (generated JSON)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        let objects = 0;
        const walk = (x: unknown): void => {
          if (Array.isArray(x)) x.forEach(walk);
          else if (x !== null && typeof x === 'object') {
            objects++;
            Object.values(x).forEach(walk);
          }
        };
        walk(v);
        expect(countJsonObjects(text, Infinity)).toBe(objects);
      }),
      { numRuns: 300 },
    );
  });

  it('non-finite values are refused; null (a skipped value) is kept as NaN', () => {
    const f = runJson();
    const with_ = (y: string) => JSON.stringify(f).replace(/("points":\[\[1,)[^\]]*\]/, `$1${y}]`);
    for (const y of ['1e999', '-1e999', '1e309']) expect(refusal(with_(y)).message).toMatch(/point 0 needs a finite number value/);
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (y) => {
        const run = parseRunFile(with_(JSON.stringify(y)));
        expect(Object.values(run.losses).some((s) => s.points.some((p) => p.y === y))).toBe(true);
      }),
      { numRuns: 50 },
    );
    expect(Object.values(parseRunFile(with_('null')).losses).some((s) => s.points.some((p) => Number.isNaN(p.y)))).toBe(true);
  });

  it('an unknown parameter key or branch tensor of any length is quoted short (string lengths generated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300_000 }), fc.boolean(), (n, inBranch) => {
        const f = runJson();
        const key = 'k'.repeat(n);
        if (inBranch) f.tokens = { tokens: { name: 'mask_token', shape: [1, 1], data: [0] }, branch: { [key]: {} } };
        else f.config.distill.params.maskd[key] = 1;
        expect(refusal(JSON.stringify(f)).message).toMatch(inBranch ? /unknown tensors "k+…"|unknown tensors "k+"/ : /unknown parameter "k+(…" \(|")/);
      }),
      { numRuns: 40 },
    );
  });

  it('a value nested to any depth anywhere is a RunFileError, never a stack overflow (depths generated)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300_000 }), fc.constantFrom('formatVersion', 'format', 'task', 'method', 'param', 'point', 'tokens'), (depth, where) => {
        const deep = '['.repeat(depth) + ']'.repeat(depth);
        const f = runJson();
        const text = JSON.stringify(f);
        const put = {
          formatVersion: () => text.replace('"formatVersion":1', `"formatVersion":${deep}`),
          format: () => text.replace('"format":"maskd-playground.run"', `"format":${deep}`),
          task: () => text.replace('"task":"segmentation"', `"task":${deep}`),
          method: () => text.replace(/"method":"\w+"/, `"method":${deep}`),
          param: () => text.replace('"params":{', `"params":{"maskd":{"customMask":${deep}},"x":{`),
          point: () => text.replace(/("points":\[\[1,)[^\]]*\]/, `$1${deep}]`),
          tokens: () => text.replace('"tokens":null', `"tokens":{"tokens":{"shape":${deep}}}`),
        }[where]();
        refusal(put);
      }),
      { numRuns: 40 },
    );
  });
});
