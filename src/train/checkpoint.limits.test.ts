// validateCheckpoint (what comes back from IndexedDB) refuses ±Infinity and NaN in every number it
// checks: a total of Infinity would accept any step, an lr of Infinity would train on it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateCheckpoint, type Checkpoint } from '../engine/checkpoint';

const arr = (name: string, shape: number[]) => ({ name, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

function checkpoint(): Checkpoint {
  return {
    version: 1,
    kind: 'masks',
    config: { steps: 10, batchSize: 2, lr: 0.01, seed: 1 } as unknown as Checkpoint['config'],
    task: 'segmentation',
    inputSize: 64,
    step: 4,
    total: 10,
    lr: 0.01,
    savedAt: 1,
    reason: 'pause',
    backend: 'cpu',
    tokens: arr('tok', [2, 3]),
    branch: null,
    student: null,
    align: null,
    optimizer: [arr('iter', [])],
    best: { metric: 0.5, step: 3, weights: [] },
    history: [{ step: 2, losses: { total: 1 } }],
  } as Checkpoint;
}

/** The checkpoint with one number replaced (by path). */
function withValue(path: string, value: number): unknown {
  const c = structuredClone(checkpoint()) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let node = c as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
  return c;
}

const PATHS = ['total', 'step', 'lr', 'savedAt', 'inputSize', 'config.steps', 'config.batchSize', 'config.seed', 'best.step', 'history.0.step'];

describe('validateCheckpoint refuses non-finite numbers', () => {
  it('accepts the checkpoint as it is', () => {
    expect(validateCheckpoint(structuredClone(checkpoint()))).toBeTruthy();
  });

  it.each(PATHS)('%s = ±Infinity is refused', (path) => {
    expect(() => validateCheckpoint(withValue(path, Infinity))).toThrow(/^checkpoint: /);
    expect(() => validateCheckpoint(withValue(path, -Infinity))).toThrow(/^checkpoint: /);
  });

  it('names the field: total and lr', () => {
    expect(() => validateCheckpoint(withValue('total', Infinity))).toThrow('checkpoint: total is not a finite number');
    expect(() => validateCheckpoint(withValue('lr', -Infinity))).toThrow('checkpoint: lr is not a finite number');
  });

  it('fuzz: any non-finite value in any checked number is refused, any finite in-range change passes the number checks', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.constantFrom(Infinity, -Infinity, NaN), (path, v) => {
        expect(() => validateCheckpoint(withValue(path, v))).toThrow(/^checkpoint: /);
      }),
      { numRuns: 100 },
    );
  });
});
