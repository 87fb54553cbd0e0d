// Every refusal that repeats what a file said stays short: names, keys, paths and shapes of any
// length (generated here, up to hundreds of thousands of characters or entries) come back in a
// message under 300 characters, as the parser's own error class.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupByRole } from './byo/dropFiles';
import { ModelFileError, parseModelFiles } from './byo/modelFiles';
import { inputPlan } from './byo/teacherIo';
import { cutProblem } from './byo/topology';
import { checkProbeShape } from './byo/graphTopology';
import { matchBoxes, parseBoxesJson } from './data/custom/boxesJson';
import { classifyFiles } from './data/custom/layout';
import { DatasetError } from './data/custom/types';
import { resolveParams } from './maskd/methodInfo';

type ErrorClass = abstract new (...args: never[]) => Error;
const DEVICE = { maxTensorBytes: 2 ** 30, maxTotalBytes: 2 ** 31, source: 'test limits' };
const enc = new TextEncoder();
const buffer = (text: string): ArrayBuffer => enc.encode(text).buffer as ArrayBuffer;

function refused(cls: ErrorClass, fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    const message = (e as Error).message;
    expect(message.length, message.slice(0, 400)).toBeLessThan(300);
    return message;
  }
  throw new Error('accepted');
}

const long = fc.integer({ min: 0, max: 300_000 }).map((n) => 'n'.repeat(n + 1));

describe('refusals quote a file short', () => {
  it('model files: a weight name or shape of any length', () => {
    fc.assert(
      fc.property(long, fc.integer({ min: 1, max: 100_000 }), fc.boolean(), (name, dims, badShape) => {
        const weight = badShape ? { name: 'w', shape: Array(dims).fill(-1), dtype: 'float32' } : { name, shape: [1], dtype: name };
        const doc = { format: 'layers-model', modelTopology: {}, weightsManifest: [{ paths: ['w.bin'], weights: [weight] }] };
        refused(ModelFileError, () => parseModelFiles([{ name: 'model.json', data: buffer(JSON.stringify(doc)) }, { name: 'w.bin', data: new ArrayBuffer(4) }], DEVICE));
      }),
      { numRuns: 30 },
    );
  });

  it('model files: many or long shard and model paths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), long, (count, name) => {
        const paths = Array.from({ length: count }, (_, i) => `${name.slice(0, 2000)}${i}.bin`);
        const doc = { format: 'layers-model', modelTopology: {}, weightsManifest: [{ paths: paths.slice(0, 200), weights: [] }] };
        refused(ModelFileError, () => parseModelFiles([{ name: 'model.json', data: buffer(JSON.stringify(doc)) }], DEVICE));
        const jsons = Array.from({ length: Math.min(count, 50) + 2 }, (_, i) => ({ path: `${name.slice(0, 5000)}${i}/model.json` }));
        refused(ModelFileError, () => groupByRole(jsons, null));
      }),
      { numRuns: 20 },
    );
  });

  it('a model input shape of any rank', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 200_000 }), (rank) => {
        refused(ModelFileError, () => inputPlan('model.json', [1, 7, 7, 7, ...Array(rank - 4).fill(7)], 'float32', []));
      }),
      { numRuns: 20 },
    );
  });

  it('datasets: image keys, class values and paths of any length', () => {
    fc.assert(
      fc.property(long, (key) => {
        const file = parseBoxesJson('boxes.json', buffer(JSON.stringify({ classes: ['a'], images: { [key]: [] } })));
        refused(DatasetError, () => matchBoxes('boxes.json', file, '', ['img.png']));
        refused(DatasetError, () => parseBoxesJson('boxes.json', buffer(JSON.stringify({ classes: ['a'], images: { x: [{ x0: key, y0: 0, x1: 1, y1: 1, class: 0 }] } }))));
        const data = new ArrayBuffer(1);
        refused(DatasetError, () => classifyFiles([{ path: `${key}/a.png`, data }, { path: `${key}/labels/${key}.png`, data }]));
        refused(DatasetError, () => classifyFiles([{ path: `${key}.json`, data }, { path: `b${key}.json`, data }, { path: 'a.png', data }]));
      }),
      { numRuns: 20 },
    );
  });

  it('method parameters from a link or run file', () => {
    fc.assert(
      fc.property(long, (key) => {
        refused(Error, () => resolveParams('maskd', { [key]: 1 } as never));
        refused(Error, () => resolveParams('fitnet', { lossWeight: key } as never));
      }),
      { numRuns: 20 },
    );
  });
});

describe('model topology refusals quote names and shapes short', () => {
  it('a tap, input or output name of any length', () => {
    fc.assert(
      fc.property(long, long, (tap, other) => {
        const graph = { nodes: [], inputs: [other], outputs: [other] };
        const problem = cutProblem(graph, tap) ?? '';
        expect(problem.length, problem.slice(0, 400)).toBeLessThan(300);
        expect(problem).toMatch(/there is no layer "n+(…" \([\d ]+ characters\)|")/);
      }),
      { numRuns: 30 },
    );
  });

  it('a graph input of any rank and name', () => {
    fc.assert(
      fc.property(long, fc.integer({ min: 0, max: 200_000 }), (name, rank) => {
        refused(ModelFileError, () => checkProbeShape('model.json', name, Array(rank === 4 ? 5 : rank).fill(1)));
      }),
      { numRuns: 30 },
    );
  });
});
