// A training run's state as plain data: what IndexedDB stores, what `exportState` returns and
// what a reload (or a lost GPU device) resumes from. No tensors here: pure, tested in Node.
import type { Task } from '../models/nets';
import type { MethodName } from '../maskd/methods';
import type { NamedArray } from './artifacts';
import { STUDENT_INITS, type StudentInit } from './models';
import type { RunProgress } from './progress';
import type { CompareConfig, DistillConfig, MaskStageConfig } from './runConfigs';
import type { CompareRow } from './runResults';
import type { DemoLoaded } from './models';
import type { TokensSet } from './tokens';

export const CHECKPOINT_VERSION = 1;
/** Steps between interval checkpoints when the config does not say. */
export const DEFAULT_CHECKPOINT_EVERY = 25;

/** One progress event as the charts saw it (losses of that step, the metric when evaluated). */
export interface HistoryEntry {
  readonly step: number;
  readonly losses: Readonly<Record<string, number>>;
  readonly metric?: { readonly name: string; readonly value: number };
}

/** A comparison under way: its methods and overrides, and the rows and curves of those already done. */
export interface CompareProgress {
  readonly methods: readonly MethodName[];
  readonly params?: CompareConfig['params'];
  /** A comparison over several seeds: all of them, in order (`config.seed` is the one running). */
  readonly seeds?: readonly number[];
  readonly rows: readonly CompareRow[];
  readonly histories: Readonly<Partial<Record<MethodName, readonly HistoryEntry[]>>>;
}

export type CheckpointRun =
  | { readonly kind: 'masks'; readonly config: MaskStageConfig }
  /** `compare`: this distillation is one method of a comparison (`config.method`, the one running). */
  | { readonly kind: 'distill'; readonly config: DistillConfig; readonly compare?: CompareProgress };

export type CheckpointReason = 'start' | 'interval' | 'pause' | 'end' | 'export';

export type Checkpoint = CheckpointRun & {
  readonly version: typeof CHECKPOINT_VERSION;
  readonly task: Task;
  /** Square input side of the demo the run used. */
  readonly inputSize: number;
  /** How the demo's built-in students started (LoadDemoOptions.studentInit); absent for a user's student and in older checkpoints. */
  readonly studentInit?: StudentInit;
  /** Applied steps: the run continues with step `step + 1`. */
  readonly step: number;
  readonly total: number;
  /** Base learning rate in force (the user may lower it after a non-finite pause). */
  readonly lr: number;
  readonly savedAt: number;
  readonly reason: CheckpointReason;
  readonly backend: string;
  /** Receptive tokens [T,C] and the token-weight branch (frozen in stage 2, learnt in stage 1). */
  readonly tokens: NamedArray | null;
  readonly branch: readonly NamedArray[] | null;
  /** Stage 2: student and align weights in model order. */
  readonly student: readonly NamedArray[] | null;
  readonly align: readonly NamedArray[] | null;
  /** Adam: iteration count first, then first and second moments, in variable order. */
  readonly optimizer: readonly NamedArray[];
  /** Stage 2: the best student so far (metric, step, weights). */
  readonly best: { readonly metric: number; readonly step: number; readonly weights: readonly NamedArray[] } | null;
  readonly history: readonly HistoryEntry[];
};

/**
 * A stage-2 checkpoint from outside (a run file a bundle's train.py wrote) made the session's
 * (engine request installCheckpoint): the demo it needed when another was loaded, the masks of its
 * tokens when they replaced the session's, and what it is.
 */
export interface CheckpointInstalled {
  readonly loaded: DemoLoaded | null;
  readonly tokens: TokensSet | null;
  readonly info: CheckpointInfo;
}

/** What the page shows about a stored checkpoint before resuming (no weights). */
export interface CheckpointInfo {
  readonly kind: Checkpoint['kind'];
  readonly task: Task;
  readonly method: MethodName | null;
  readonly step: number;
  readonly total: number;
  readonly savedAt: number;
  readonly reason: CheckpointReason;
  readonly backend: string;
  readonly history: readonly HistoryEntry[];
  readonly compare: CompareProgress | null;
}

export function checkpointInfo(c: Checkpoint): CheckpointInfo {
  return {
    kind: c.kind,
    task: c.task,
    method: c.kind === 'distill' ? c.config.method : null,
    step: c.step,
    total: c.total,
    savedAt: c.savedAt,
    reason: c.reason,
    backend: c.backend,
    history: c.history,
    compare: c.kind === 'distill' ? (c.compare ?? null) : null,
  };
}

/** "mask learning (segmentation), step 40 of 200" / "distillation with maskd (detection), …". */
export function describeCheckpoint(c: Pick<CheckpointInfo, 'kind' | 'task' | 'method' | 'step' | 'total'> & { compare?: CompareProgress | null }): string {
  const what =
    c.kind === 'masks'
      ? 'mask learning'
      : c.compare
        ? `comparison of ${c.compare.methods.join(', ')}: ${c.method ?? '?'}`
        : `distillation with ${c.method ?? '?'}`;
  return `${what} (${c.task}), step ${c.step} of ${c.total}`;
}

/** A progress event reduced to what the charts draw. */
export function historyEntry(p: Pick<RunProgress, 'step' | 'losses' | 'metric'>): HistoryEntry {
  return { step: p.step, losses: { ...p.losses }, ...(p.metric ? { metric: { name: p.metric.name, value: p.metric.value } } : {}) };
}

/**
 * Appends an entry, keeping steps increasing: a step seen again (a skipped non-finite step
 * retried, a run resumed from an earlier checkpoint) replaces what came after it.
 */
export function appendHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const kept = history.length && history[history.length - 1].step >= entry.step ? history.filter((h) => h.step < entry.step) : [...history];
  kept.push(entry);
  return kept;
}

/** The history a checkpoint at `step` owns: nothing after it. */
export function historyUpTo(history: readonly HistoryEntry[], step: number): HistoryEntry[] {
  return history.filter((h) => h.step <= step);
}

/** Whether a checkpoint is due after `step` (interval), given the interval in steps (0: never). */
export function checkpointDue(step: number, every: number): boolean {
  return every > 0 && step > 0 && step % every === 0;
}

/** Every ArrayBuffer of a checkpoint, for postMessage's transfer list (each listed once). */
export function checkpointTransfer(c: Checkpoint): ArrayBuffer[] {
  const arrays: NamedArray[] = [
    ...(c.tokens ? [c.tokens] : []),
    ...(c.branch ?? []),
    ...(c.student ?? []),
    ...(c.align ?? []),
    ...c.optimizer,
    ...(c.best?.weights ?? []),
  ];
  return [...new Set(arrays.map((a) => a.data.buffer as ArrayBuffer))];
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
/** A finite number: NaN and ±Infinity are refused (a step or total of Infinity would make any step valid). */
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function checkArray(a: unknown, where: string): NamedArray {
  if (!isObject(a) || typeof a.name !== 'string' || !Array.isArray(a.shape) || !(a.data instanceof Float32Array)) {
    throw new Error(`checkpoint: ${where} is not a named Float32Array`);
  }
  const size = (a.shape as unknown[]).reduce<number>((n, d) => n * (Number.isInteger(d) && (d as number) >= 0 ? (d as number) : NaN), 1);
  if (size !== a.data.length) throw new Error(`checkpoint: ${where} "${a.name}" has ${a.data.length} values for shape [${(a.shape as unknown[]).join(',')}]`);
  return a as unknown as NamedArray;
}

function checkArrays(a: unknown, where: string): NamedArray[] {
  if (!Array.isArray(a)) throw new Error(`checkpoint: ${where} is missing`);
  return a.map((x, i) => checkArray(x, `${where}[${i}]`));
}

function checkCompare(c: unknown, method: string, seed: number): void {
  if (!isObject(c) || !Array.isArray(c.methods) || !c.methods.every((m) => typeof m === 'string') || !c.methods.includes(method)) {
    throw new Error(`checkpoint: the comparison's methods do not include the running one (${method})`);
  }
  if (c.seeds !== undefined && (!Array.isArray(c.seeds) || !c.seeds.every(isNum) || !c.seeds.includes(seed))) {
    throw new Error(`checkpoint: the comparison's seeds do not include the running one (${seed})`);
  }
  if (!Array.isArray(c.rows) || !c.rows.every((r) => isObject(r) && typeof r.method === 'string' && typeof r.metric === 'number' && Array.isArray(r.curve))) {
    throw new Error('checkpoint: the comparison rows are malformed');
  }
  if (!isObject(c.histories) || !Object.values(c.histories).every((h) => Array.isArray(h) && h.every((e) => isObject(e) && isNum(e.step) && isObject(e.losses)))) {
    throw new Error('checkpoint: the comparison curves are malformed');
  }
}

/**
 * Checks what came out of IndexedDB (or a user's file) before anything is built from it; throws
 * with what is wrong. Returns the same object, typed.
 */
export function validateCheckpoint(x: unknown): Checkpoint {
  if (!isObject(x)) throw new Error('checkpoint: not an object');
  if (x.version !== CHECKPOINT_VERSION) throw new Error(`checkpoint: version ${String(x.version)} is not ${CHECKPOINT_VERSION}`);
  if (x.kind !== 'masks' && x.kind !== 'distill') throw new Error(`checkpoint: unknown run kind ${String(x.kind)}`);
  if (x.task !== 'segmentation' && x.task !== 'detection') throw new Error(`checkpoint: unknown task ${String(x.task)}`);
  if (!isObject(x.config) || !isNum(x.config.steps) || !isNum(x.config.batchSize) || !isNum(x.config.seed)) {
    throw new Error('checkpoint: config lacks steps, batchSize or seed (finite numbers)');
  }
  if (x.kind === 'distill' && typeof x.config.method !== 'string') throw new Error('checkpoint: distillation config lacks a method');
  if (x.kind === 'distill' && x.compare !== undefined) checkCompare(x.compare, x.config.method as string, x.config.seed as number);
  for (const k of ['inputSize', 'step', 'total', 'lr', 'savedAt'] as const) {
    if (!isNum(x[k])) throw new Error(`checkpoint: ${k} is not a finite number`);
  }
  if (x.studentInit !== undefined && !(STUDENT_INITS as readonly unknown[]).includes(x.studentInit)) {
    throw new Error(`checkpoint: studentInit ${String(x.studentInit)} is not one of ${STUDENT_INITS.join(', ')}`);
  }
  const step = x.step as number;
  if (!Number.isInteger(step) || step < 0 || step > (x.total as number)) throw new Error(`checkpoint: step ${step} is outside 0…${String(x.total)}`);
  if (x.tokens !== null) checkArray(x.tokens, 'tokens');
  if (x.branch !== null) checkArrays(x.branch, 'branch');
  if (x.kind === 'distill') {
    checkArrays(x.student, 'student');
    checkArrays(x.align, 'align');
  }
  checkArrays(x.optimizer, 'optimizer');
  if (x.best !== null) {
    if (!isObject(x.best) || !isNum(x.best.step)) throw new Error('checkpoint: best is malformed');
    checkArrays(x.best.weights, 'best.weights');
  }
  if (!Array.isArray(x.history) || !x.history.every((h) => isObject(h) && isNum(h.step) && isObject(h.losses))) {
    throw new Error('checkpoint: history is malformed');
  }
  if (x.history.some((h) => (h as HistoryEntry).step > step)) throw new Error('checkpoint: history runs past the checkpoint step');
  return x as unknown as Checkpoint;
}
