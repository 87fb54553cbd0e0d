// The checkpoint a formatVersion 2 run file carries (written by a run bundle's train.py): a
// stage-2 Checkpoint (src/engine/checkpoint.ts) in checkpointToJson's form, every array's data a
// list of numbers. Nothing is converted before it is counted: the arrays and their numbers against
// LIMITS.runFileCheckpointArrays / runFileCheckpointValues, each declared shape against its list's
// length (a shape never makes the page allocate: the Float32Array is as long as the list the file
// spelled out), each value finite and at most LIMITS.linkAbsValue; the history's entries against
// LIMITS.runFileCheckpointHistory. Then validateCheckpoint checks the rest.
import { validateCheckpoint, type Checkpoint, type HistoryEntry } from '../engine/checkpoint';
import type { NamedArray } from '../engine/artifacts';
import { LIMITS, limitText } from '../limits';
import { groupDigits } from '../messageNumbers';
import { clip, quote } from '../messageQuote';
import { isRecord } from '../isRecord';

/** Largest rank of a checkpoint array (a conv kernel is 4-D). */
const MAX_RANK = 8;
/** Array names are layer weight names ("conv2d_3/kernel", "prob.0.weight"). */
const MAX_NAME_CHARS = 256;

/** Where the arrays of a checkpoint sit: [path for messages, the list of arrays]. */
function arrayLists(c: Record<string, unknown>): [string, unknown][] {
  const lists: [string, unknown][] = [];
  if (c.tokens !== null && c.tokens !== undefined) lists.push(['tokens', [c.tokens]]);
  for (const key of ['branch', 'student', 'align', 'optimizer'] as const) {
    if (c[key] !== null && c[key] !== undefined) lists.push([key, c[key]]);
  }
  if (isRecord(c.best)) lists.push(['best.weights', c.best.weights]);
  return lists;
}

/** Counts the arrays and numbers first (from the lists' lengths), then checks each shape; throws with what is wrong. */
function countArrays(lists: readonly [string, unknown][], fail: (msg: string) => never): void {
  let arrays = 0;
  let values = 0;
  for (const [where, list] of lists) {
    if (!Array.isArray(list)) fail(`${where} must be a list of arrays`);
    arrays += (list as unknown[]).length;
    if (arrays > LIMITS.runFileCheckpointArrays.value) {
      fail(`more than ${groupDigits(LIMITS.runFileCheckpointArrays.value)} arrays, over ${limitText('runFileCheckpointArrays')} on ${LIMITS.runFileCheckpointArrays.what}; none was read`);
    }
    for (const a of list as unknown[]) {
      const n = isRecord(a) && Array.isArray(a.data) ? a.data.length : 0;
      values += n;
    }
    if (values > LIMITS.runFileCheckpointValues.value) {
      fail(`more than ${groupDigits(LIMITS.runFileCheckpointValues.value)} numbers, over ${limitText('runFileCheckpointValues')} on ${LIMITS.runFileCheckpointValues.what}; none was read`);
    }
  }
  for (const [where, list] of lists) (list as unknown[]).forEach((a, i) => checkShape(a, `${where}[${i}]`, fail));
}

function checkShape(a: unknown, where: string, fail: (msg: string) => never): void {
  if (!isRecord(a)) fail(`${where} must be an object with name, shape and data`);
  const { name, shape, data } = a as Record<string, unknown>;
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_CHARS) fail(`${where}.name must be a name of 1–${MAX_NAME_CHARS} characters`);
  if (!Array.isArray(data)) fail(`${where} (${quote(name as string)}): data must be a list of numbers`);
  if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    fail(`${where} (${quote(name as string)}): shape must be a list of at most ${MAX_RANK} non-negative integers`);
  }
  // Multiplied as it goes, stopping once past the list's length: a shape of huge dimensions is refused, never allocated.
  const n = (data as unknown[]).length;
  let size = 1;
  for (const d of shape as number[]) {
    size *= d;
    if (size > n) break;
  }
  if (size !== n) fail(`${where} (${quote(name as string)}): shape [${clip((shape as number[]).join(','), 60)}] needs ${groupDigits(size)} values, the list has ${groupDigits(n)}`);
  for (const x of data as unknown[]) {
    if (typeof x !== 'number' || !(Math.abs(x) <= LIMITS.linkAbsValue.value)) fail(`${where} (${quote(name as string)}) holds a value that is not a finite number of magnitude ≤ 10⁶`);
  }
}

/** Loss and metric names of a history entry ("task", "distill", "total", "mIoU"). */
const TERM = /^[A-Za-z0-9_@.%-]{1,64}$/;
const MAX_TERMS = 16;

/** Each entry: an integer step above the one before, finite losses under short names, an optional finite metric. */
function readHistory(history: unknown, fail: (msg: string) => never): HistoryEntry[] {
  if (!Array.isArray(history)) fail('history must be a list');
  let last = -1;
  return (history as unknown[]).map((h, i): HistoryEntry => {
    const at = `history[${i}]`;
    if (!isRecord(h)) fail(`${at} must be an object`);
    const e = h as Record<string, unknown>;
    if (!Number.isSafeInteger(e.step) || (e.step as number) <= last) fail(`${at}.step must be an integer above the one before`);
    last = e.step as number;
    if (!isRecord(e.losses)) fail(`${at}.losses must be an object`);
    const losses = Object.entries(e.losses as Record<string, unknown>);
    if (losses.length > MAX_TERMS) fail(`${at}.losses has more than ${MAX_TERMS} terms`);
    for (const [k, x] of losses) if (!TERM.test(k) || typeof x !== 'number' || !Number.isFinite(x)) fail(`${at}.losses: ${quote(k)} must be a short name with a finite number`);
    if (e.metric !== undefined) {
      const m = e.metric;
      if (!isRecord(m) || typeof m.name !== 'string' || !TERM.test(m.name) || typeof m.value !== 'number' || !Number.isFinite(m.value)) fail(`${at}.metric must be { name, value } with a finite value`);
    }
    const metric = e.metric as HistoryEntry['metric'];
    return { step: e.step as number, losses: Object.fromEntries(losses) as Record<string, number>, ...(metric ? { metric: { name: metric.name, value: metric.value } } : {}) };
  });
}

const toArray = (a: unknown): NamedArray => {
  const r = a as { name: string; shape: number[]; data: number[] };
  return { name: r.name, shape: [...r.shape], data: Float32Array.from(r.data) };
};

/**
 * The checkpoint of a run file, counted, converted and validated; `fail` throws the run file's
 * error with the message (prefixed "checkpoint: " where the field is the checkpoint's).
 */
export function readRunCheckpoint(v: unknown, fail: (msg: string) => never): Checkpoint {
  if (!isRecord(v)) return fail('checkpoint must be an object');
  const at = (msg: string): never => fail(`checkpoint: ${msg}`);
  const history = v.history;
  if (Array.isArray(history) && history.length > LIMITS.runFileCheckpointHistory.value) {
    at(`${groupDigits(history.length)} history entries, over ${limitText('runFileCheckpointHistory')} on ${LIMITS.runFileCheckpointHistory.what}`);
  }
  const entries = readHistory(history, at);
  const lists = arrayLists(v);
  countArrays(lists, at);
  if (v.kind !== 'distill') at('only a stage-2 (distillation) checkpoint can come back to the page');
  const list = (x: unknown) => (Array.isArray(x) ? x.map(toArray) : x);
  const converted = {
    ...v,
    tokens: isRecord(v.tokens) ? toArray(v.tokens) : v.tokens,
    branch: list(v.branch),
    student: list(v.student),
    align: list(v.align),
    optimizer: list(v.optimizer),
    best: isRecord(v.best) ? { ...v.best, weights: list(v.best.weights) } : v.best,
    history: entries,
  };
  try {
    return validateCheckpoint(converted);
  } catch (e) {
    // validateCheckpoint's messages start with "checkpoint: ".
    return fail(clip(e instanceof Error ? e.message : String(e), 300));
  }
}
