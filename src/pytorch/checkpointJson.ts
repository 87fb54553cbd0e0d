// A checkpoint as a JSON file (the Node export's --from): every array's `data` a list of numbers
// (or what JSON.stringify makes of a Float32Array: an object keyed "0", "1", …). Read back to
// Float32Arrays and checked by validateCheckpoint before anything uses it.
import { validateCheckpoint, type Checkpoint } from '../engine/checkpoint';
import type { NamedArray } from '../engine/artifacts';
import { isRecord } from '../isRecord';

function floats(v: unknown, where: string): Float32Array {
  if (Array.isArray(v)) return Float32Array.from(v as number[]);
  if (isRecord(v)) return Float32Array.from({ length: Object.keys(v).length }, (_, i) => v[String(i)] as number);
  throw new Error(`checkpoint file: ${where}.data is neither a list nor an index-keyed object`);
}

function array(v: unknown, where: string): unknown {
  return isRecord(v) && 'data' in v ? { ...v, data: floats(v.data, where) } : v;
}
const arrays = (v: unknown, where: string): unknown => (Array.isArray(v) ? v.map((a, i) => array(a, `${where}[${i}]`)) : v);

/** The checkpoint in `text` (JSON), with its arrays as Float32Arrays; throws saying what is wrong. */
export function checkpointFromJson(text: string): Checkpoint {
  const x = JSON.parse(text) as unknown;
  if (!isRecord(x)) throw new Error('checkpoint file: not a JSON object');
  const best = isRecord(x.best) ? { ...x.best, weights: arrays(x.best.weights, 'best.weights') } : x.best;
  return validateCheckpoint({
    ...x,
    tokens: x.tokens === null ? null : array(x.tokens, 'tokens'),
    branch: arrays(x.branch, 'branch'),
    student: arrays(x.student, 'student'),
    align: arrays(x.align, 'align'),
    optimizer: arrays(x.optimizer, 'optimizer'),
    best,
  });
}

/** `cp` as JSON text that checkpointFromJson reads back (arrays as number lists). */
export function checkpointToJson(cp: Checkpoint): string {
  const plain = (a: NamedArray) => ({ name: a.name, shape: a.shape, data: Array.from(a.data) });
  return JSON.stringify({
    ...cp,
    tokens: cp.tokens && plain(cp.tokens),
    branch: cp.branch && cp.branch.map(plain),
    student: cp.student && cp.student.map(plain),
    align: cp.align && cp.align.map(plain),
    optimizer: cp.optimizer.map(plain),
    best: cp.best && { ...cp.best, weights: cp.best.weights.map(plain) },
  });
}
