// A whole run in one JSON file: the Setup (config), the receptive tokens (+ branch) and the loss
// and metric history. Dropped or opened back onto the page it restores all three. Parsing trusts
// nothing: every field is checked for type and bounds before anything is applied.
//
// Limits (src/limits.ts): the file's bytes (checkRunFileSize / readRunFile, from File.size before
// the file is read), T and C of the tokens, |value| of every float; settings beyond the Setup
// fields' ranges (SETTING_RANGES: a batch of 4096, 10⁷ steps) are clamped to them, and each clamp
// is listed in `clamped` for the page to show. The history's series and points are counted and its
// values must be finite (./history.ts). Messages quote at most LIMITS.quoteChars of a key.
// The page parses run files off its main thread (src/state/fileParser.ts).
//
// formatVersion 2 (what a run bundle's train.py writes, docs/pytorch.md "The way back") adds three
// optional fields: `handover` (the last browser step and how PyTorch ran), `result` (the final
// student's test metric) and `checkpoint` (the stage-2 state, ./runCheckpoint.ts: its arrays and
// numbers counted and bounded before any is converted). Version 1 files read as before.
import { isMethodName, METHOD_NAMES, METHODS, upgradeMaskdParams, type MethodName } from '../maskd/methodInfo';
import type { TokenWeightsState } from '../maskd/tokenLayout';
import type { NamedSerializedTensor } from '../maskd/types';
import type { SeriesMap } from './series';
import type { DistillSettings, MaskSettings, ParamValue } from './settings';
import { historyToJsonObject, seriesMapsFromJson, type SeriesJson } from './history';
import { countJsonObjects } from './jsonObjects';
import { LIMITS, limitText } from '../limits';
import { formatByteCount, groupDigits } from '../messageNumbers';
import { clip, quote, valueText } from '../messageQuote';
import { METHOD_PARAM_SETTINGS, clampSetting, type SettingKey } from './settingRanges';
import { LEGACY_MASK_FIELDS } from './maskRecipes';
import { readRunCheckpoint } from './runCheckpoint';
import type { Checkpoint } from '../engine/checkpoint';
import type { DistillConfig } from '../engine/runConfigs';

export const RUN_FORMAT = 'maskd-playground.run';
/** Far above a demo run (≈1 MB with the branch); a bigger file is refused before reading (src/limits.ts). */
export const MAX_RUN_FILE_BYTES = LIMITS.runFileBytes.value;
/** Objects a version 1 run file may open: one per series, and a few dozen for its settings and tokens. */
const MAX_RUN_FILE_OBJECTS = LIMITS.runFileSeries.value + 64;
/** A version 2 file's checkpoint adds one object per array and two per history entry (and a few for its config). */
const MAX_RUN_FILE_V2_OBJECTS = MAX_RUN_FILE_OBJECTS + LIMITS.runFileCheckpointArrays.value + 2 * LIMITS.runFileCheckpointHistory.value + 64;

export type RunTask = 'segmentation' | 'detection';

export interface RunConfig {
  task: RunTask;
  seed: number;
  mask: MaskSettings;
  distill: DistillSettings;
  compareMethods: MethodName[];
}

export interface RunTokens {
  tokens: NamedSerializedTensor;
  branch?: TokenWeightsState;
}

export interface RunFileJson {
  format: typeof RUN_FORMAT;
  formatVersion: 1;
  createdAt: string;
  app: string;
  config: RunConfig;
  tokens: RunTokens | null;
  history: { losses: SeriesJson[]; metrics: SeriesJson[] };
}

/** Where a run changed hands: `step` is the last step the browser took (PyTorch took the next ones). */
export interface RunHandover {
  step: number;
  engine: 'pytorch';
  processes: number;
  device: 'cpu' | 'cuda';
  /** torch.__version__ */
  torch: string;
}

/** The final student scored once on the page's own scenes by train.py. */
export interface RunResult {
  split: 'test' | 'val';
  metric: 'mIoU' | 'AP@0.5';
  value: number;
  step: number;
  scenes: number;
}

export interface RunContents {
  config: RunConfig;
  tokens: RunTokens | null;
  losses: SeriesMap;
  metrics: SeriesMap;
}

export function buildRunFile(run: RunContents, createdAt: string, app = 'maskd-playground'): string {
  const { losses, metrics } = historyToJsonObject(run.losses, run.metrics);
  const file: RunFileJson = { format: RUN_FORMAT, formatVersion: 1, createdAt, app, config: run.config, tokens: run.tokens, history: { losses, metrics } };
  return `${JSON.stringify(file)}\n`;
}

/** Why a run file cannot be opened; the message says what is wrong. */
export class RunFileError extends Error {
  constructor(message: string) {
    // Cut at LIMITS.noticeChars whatever the file made it say (names are quoted short already).
    super(clip(message, LIMITS.noticeChars.value));
    this.name = 'RunFileError';
  }
}
const fail = (msg: string): never => {
  throw new RunFileError(`run file: ${msg}`);
};
const obj = (v: unknown, what: string): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`${what} must be an object`);

function number(v: unknown, what: string, lo: number, hi: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    return fail(`${what} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}]`);
  }
  return v;
}
const bool = (v: unknown, what: string): boolean => (typeof v === 'boolean' ? v : fail(`${what} must be true or false`));

/** `value` clamped to the Setup field's range; a note goes into `notes` when it changed. */
function clamp(notes: string[], key: SettingKey, value: number): number {
  const r = clampSetting(key, value);
  if (r.note) notes.push(r.note);
  return r.value;
}

function oneOf<T extends string>(v: unknown, what: string, values: readonly T[]): T {
  return (values as readonly unknown[]).includes(v) ? (v as T) : fail(`${what} must be one of ${values.join(', ')}`);
}

/** Stage-1 settings; a file from before the recipes has no optimiser fields: it ran Adam, cosine to 0, no decay. */
function readMask(v: unknown, notes: string[]): MaskSettings {
  const m = obj(v, 'config.mask');
  const legacy = m.optimizer === undefined;
  const d = LEGACY_MASK_FIELDS;
  return {
    numTokens: number(m.numTokens, 'config.mask.numTokens', 1, LIMITS.tokens.value, true),
    steps: clamp(notes, 'maskSteps', number(m.steps, 'config.mask.steps', 1, 1e7, true)),
    batchSize: clamp(notes, 'maskBatch', number(m.batchSize, 'config.mask.batchSize', 1, 4096, true)),
    lr: clamp(notes, 'maskLr', number(m.lr, 'config.mask.lr', 0, 10)),
    diceWeight: clamp(notes, 'diceWeight', number(m.diceWeight, 'config.mask.diceWeight', 0, 1e4)),
    tokenWeights: bool(m.tokenWeights, 'config.mask.tokenWeights'),
    optimizer: legacy ? d.optimizer : oneOf(m.optimizer, 'config.mask.optimizer', ['adam', 'sgd'] as const),
    momentum: legacy ? d.momentum : clamp(notes, 'maskMomentum', number(m.momentum, 'config.mask.momentum', 0, 1)),
    weightDecay: legacy ? d.weightDecay : clamp(notes, 'maskWeightDecay', number(m.weightDecay, 'config.mask.weightDecay', 0, 10)),
    schedule: legacy ? d.schedule : oneOf(m.schedule, 'config.mask.schedule', ['cosine', 'poly'] as const),
    minLr: legacy ? d.minLr : clamp(notes, 'maskMinLr', number(m.minLr, 'config.mask.minLr', 0, 10)),
  };
}

/** `steps`: the run's distillation steps, for a MasKD warm-up given in steps (files from before it was a share). */
function readParams(v: unknown, notes: string[], steps: number): Record<MethodName, Record<string, ParamValue>> {
  const all = obj(v, 'config.distill.params');
  const out = {} as Record<MethodName, Record<string, ParamValue>>;
  for (const name of METHOD_NAMES) {
    let given = obj(all[name] ?? {}, `config.distill.params.${name}`);
    if (name === 'maskd') {
      let upgraded: ReturnType<typeof upgradeMaskdParams>;
      try {
        upgraded = upgradeMaskdParams(given, steps);
      } catch (e) {
        return fail(`config.distill.params.maskd: ${clip(e instanceof Error ? e.message : String(e))}`);
      }
      given = upgraded.params;
      if (upgraded.clampedFrom !== null) notes.push(`Custom-mask warm-up of ${upgraded.clampedFrom} steps is longer than the run (${steps} steps); set to share 1 (never on)`);
    }
    const params: Record<string, ParamValue> = { ...(METHODS[name].defaults as Record<string, ParamValue>) };
    for (const [key, value] of Object.entries(given)) {
      const spec = METHODS[name].params.find((p) => p.key === key);
      if (!spec) fail(`config.distill.params.${name} has an unknown parameter ${quote(key)}`);
      const what = `config.distill.params.${name}.${key}`;
      if (spec!.kind === 'boolean') params[key] = bool(value, what);
      else {
        const n = number(value, what, spec!.min ?? 0, spec!.max ?? 1e7, spec!.kind === 'integer');
        const range = Object.prototype.hasOwnProperty.call(METHOD_PARAM_SETTINGS, key) ? METHOD_PARAM_SETTINGS[key] : null;
        params[key] = range ? clamp(notes, range, n) : n;
      }
    }
    out[name] = params;
  }
  return out;
}

function readDistill(v: unknown, notes: string[]): DistillSettings {
  const d = obj(v, 'config.distill');
  if (!isMethodName(d.method)) fail(`config.distill.method must be one of ${METHOD_NAMES.join(', ')}`);
  const given = number(d.steps, 'config.distill.steps', 1, 1e7, true);
  return {
    method: d.method as MethodName,
    params: readParams(d.params, notes, given),
    steps: clamp(notes, 'distillSteps', given),
    batchSize: clamp(notes, 'distillBatch', number(d.batchSize, 'config.distill.batchSize', 1, 4096, true)),
    lr: clamp(notes, 'distillLr', number(d.lr, 'config.distill.lr', 0, 10)),
    evalEvery: clamp(notes, 'evalEvery', number(d.evalEvery, 'config.distill.evalEvery', 1, 1e7, true)),
    valCount: clamp(notes, 'valCount', number(d.valCount, 'config.distill.valCount', 1, 100_000, true)),
  };
}

function readConfig(v: unknown, notes: string[]): RunConfig {
  const c = obj(v, 'config');
  if (c.task !== 'segmentation' && c.task !== 'detection') fail('config.task must be segmentation or detection');
  const compare = Array.isArray(c.compareMethods) ? c.compareMethods : fail('config.compareMethods must be a list');
  if (!compare.every(isMethodName)) fail('config.compareMethods holds an unknown method');
  return {
    task: c.task as RunTask,
    seed: number(c.seed, 'config.seed', 0, 0xffffffff, true),
    mask: readMask(c.mask, notes),
    distill: readDistill(c.distill, notes),
    compareMethods: METHOD_NAMES.filter((m) => (compare as MethodName[]).includes(m)),
  };
}

function readTensor(v: unknown, what: string, shape: number[]): { shape: number[]; data: number[] } {
  const t = obj(v, what);
  const s = t.shape;
  if (!Array.isArray(s) || s.length !== shape.length || s.some((d, i) => d !== shape[i])) fail(`${what} must have shape [${shape.join(',')}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = t.data;
  if (!Array.isArray(data) || data.length !== size) fail(`${what} needs ${size} values`);
  for (const x of data as unknown[]) if (typeof x !== 'number' || !(Math.abs(x) <= LIMITS.linkAbsValue.value)) fail(`${what} holds a value that is not a finite number`);
  return { shape: [...shape], data: data as number[] };
}

function readTokens(v: unknown): RunTokens | null {
  if (v === null) return null;
  const r = obj(v, 'tokens');
  const t = obj(r.tokens, 'tokens.tokens');
  const shape = Array.isArray(t.shape) ? t.shape : fail('tokens.tokens.shape must be [T, C]');
  const T = number(shape[0], 'tokens: T', 1, LIMITS.tokens.value, true);
  const C = number(shape[1], 'tokens: C', 1, LIMITS.tokenChannels.value, true);
  const tokens: NamedSerializedTensor = { name: 'mask_token', ...readTensor(t, 'tokens.tokens', [T, C]) };
  if (r.branch === undefined || r.branch === null) return { tokens };
  const b = obj(r.branch, 'tokens.branch');
  const shapes: Record<string, number[]> = { 'prob.0.weight': [3, 3, C, C], 'prob.0.bias': [C], 'prob.2.weight': [1, 1, C, T], 'prob.2.bias': [T] };
  const extra = Object.keys(b).filter((k) => !Object.prototype.hasOwnProperty.call(shapes, k));
  if (extra.length) fail(`tokens.branch has unknown tensors ${extra.slice(0, 3).map((k) => quote(k, 32)).join(', ')}${extra.length > 3 ? `, … (${extra.length} in all)` : ''}`);
  const branch: TokenWeightsState = {};
  for (const [name, shape] of Object.entries(shapes)) branch[name] = readTensor(b[name], `tokens.branch["${name}"]`, shape);
  return { tokens, branch };
}

/**
 * Throws a RunFileError naming the file and the limit when a run file is too large to read. Call
 * it with File.size before reading the file (readRunFile does).
 */
export function checkRunFileSize(name: string, size: number): void {
  if (!(Number.isSafeInteger(size) && size >= 0) || size > LIMITS.runFileBytes.value) {
    throw new RunFileError(`${name}: ${formatByteCount(size)} is over ${limitText('runFileBytes')} on ${LIMITS.runFileBytes.what}; it was not read`);
  }
}

export type ParsedRunFile = RunContents & {
  createdAt: string;
  /** One note per setting clamped to its Setup field's range (empty when none was). */
  clamped: string[];
  /** Version 2 only (a run that went on in PyTorch); absent from version 1 files. */
  handover?: RunHandover | null;
  result?: RunResult | null;
  /** The stage-2 state the page installs, so the student can be distilled further or exported again. */
  checkpoint?: Checkpoint | null;
};

const TASK_METRIC: Record<RunTask, RunResult['metric']> = { segmentation: 'mIoU', detection: 'AP@0.5' };

function readHandover(v: unknown): RunHandover | null {
  if (v === undefined || v === null) return null;
  const h = obj(v, 'handover');
  if (h.engine !== 'pytorch') fail('handover.engine must be "pytorch"');
  if (typeof h.torch !== 'string' || !/^[A-Za-z0-9.+_-]{1,40}$/.test(h.torch)) fail('handover.torch must be a version of at most 40 characters (torch.__version__)');
  return {
    step: number(h.step, 'handover.step', 0, 1e7, true),
    engine: 'pytorch',
    processes: number(h.processes, 'handover.processes', 1, 65_536, true),
    device: oneOf(h.device, 'handover.device', ['cpu', 'cuda'] as const),
    torch: h.torch as string,
  };
}

function readResult(v: unknown, task: RunTask): RunResult | null {
  if (v === undefined || v === null) return null;
  const r = obj(v, 'result');
  const metric = oneOf(r.metric, 'result.metric', ['mIoU', 'AP@0.5'] as const);
  if (metric !== TASK_METRIC[task]) fail(`result.metric is ${metric}, but a ${task} run is scored by ${TASK_METRIC[task]}`);
  return {
    split: oneOf(r.split, 'result.split', ['test', 'val'] as const),
    metric,
    value: number(r.value, 'result.value', 0, 1),
    step: number(r.step, 'result.step', 0, 1e7, true),
    scenes: number(r.scenes, 'result.scenes', 1, 100_000, true),
  };
}

/** The checkpoint's own run settings, checked like the file's (a method of the page, its parameters, the budget). */
function readCheckpointConfig(v: unknown): DistillConfig {
  const c = obj(v, 'checkpoint.config');
  if (!isMethodName(c.method)) fail(`checkpoint.config.method must be one of ${METHOD_NAMES.join(', ')}`);
  const method = c.method as MethodName;
  // The run's budget as the page set it: train.py may have gone past it (the checkpoint's `total` then says how far).
  const steps = number(c.steps, 'checkpoint.config.steps', 1, 1e7, true);
  const params = readParams({ [method]: c.params ?? {} }, [], steps)[method];
  const optionalInt = (k: string, lo: number, hi: number) => (c[k] === undefined ? {} : { [k]: number(c[k], `checkpoint.config.${k}`, lo, hi, true) });
  return {
    method,
    params,
    steps,
    batchSize: number(c.batchSize, 'checkpoint.config.batchSize', 1, 4096, true),
    lr: number(c.lr, 'checkpoint.config.lr', 0, 10),
    seed: number(c.seed, 'checkpoint.config.seed', 0, 0xffffffff, true),
    evalEvery: number(c.evalEvery, 'checkpoint.config.evalEvery', 1, 1e7, true),
    ...optionalInt('valCount', 1, 100_000),
    ...optionalInt('testCount', 1, 100_000),
    ...optionalInt('testSeed', 0, 0xffffffff),
    ...optionalInt('checkpointEvery', 0, 1e7),
  } as DistillConfig;
}

function readCheckpoint(v: unknown, config: RunConfig, handover: RunHandover | null): Checkpoint | null {
  if (v === undefined || v === null) return null;
  const c = readRunCheckpoint(v, fail);
  if (c.kind !== 'distill') return fail('checkpoint: only a stage-2 (distillation) checkpoint can come back to the page');
  if (c.compare) fail('checkpoint: a comparison\'s checkpoint cannot come back to the page (only a single Distill run)');
  if (c.task !== config.task) fail(`checkpoint: its task is ${c.task}, the run's is ${config.task}`);
  if (c.best !== null && !Number.isFinite(c.best.metric)) fail('checkpoint: best.metric must be a finite number');
  if (!(c.lr >= 0 && c.lr <= 10)) fail('checkpoint: lr must be in [0, 10]');
  if (typeof c.backend !== 'string' || c.backend.length > 32) fail('checkpoint: backend must be a name of at most 32 characters');
  if (!(['start', 'interval', 'pause', 'end', 'export'] as unknown[]).includes(c.reason)) fail('checkpoint: reason must be start, interval, pause, end or export');
  if (!(Number.isInteger(c.inputSize) && c.inputSize >= 8 && c.inputSize <= LIMITS.modelInputSide.value)) fail(`checkpoint: inputSize must be an integer in [8, ${LIMITS.modelInputSide.value}]`);
  if (handover && handover.step >= c.step) fail(`handover.step ${handover.step} must be before the checkpoint's step ${c.step}`);
  return { ...c, config: readCheckpointConfig(c.config) };
}

/** A run file from the page: its size checked first, then read, then parsed. */
export async function readRunFile(file: { readonly name: string; readonly size: number; text(): Promise<string> }): Promise<ParsedRunFile> {
  checkRunFileSize(file.name, file.size);
  return parseRunFile(await file.text());
}

/** Parses and validates a run file; throws a RunFileError that says what is wrong. */
export function parseRunFile(text: string): ParsedRunFile {
  if (text.length > MAX_RUN_FILE_BYTES) fail(`larger than ${limitText('runFileBytes')} on ${LIMITS.runFileBytes.what}`);
  // Every series is an object: counted in the text before JSON.parse makes them.
  const tooMany = (max: number) =>
    fail(
      max === MAX_RUN_FILE_OBJECTS
        ? `more than ${groupDigits(max)} JSON objects: a run holds its settings, its tokens and at most ${groupDigits(LIMITS.runFileSeries.value)} series, one object each (${limitText('runFileSeries')}); it was not parsed`
        : `more than ${groupDigits(max)} JSON objects: a run holds its settings, tokens, at most ${groupDigits(LIMITS.runFileSeries.value)} series (${limitText('runFileSeries')}) and a checkpoint of at most ${groupDigits(LIMITS.runFileCheckpointArrays.value)} arrays and ${groupDigits(LIMITS.runFileCheckpointHistory.value)} steps; it was not parsed`,
    );
  const objects = countJsonObjects(text, MAX_RUN_FILE_V2_OBJECTS);
  if (objects > MAX_RUN_FILE_V2_OBJECTS) tooMany(MAX_RUN_FILE_V2_OBJECTS);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('not valid JSON; choose a file saved with “Export run”');
  }
  const f = obj(value, 'the file');
  if (f.format === 'maskd-playground.tokens') fail('this is the JSON sidecar of a token export; open the .safetensors file it names to import the tokens');
  if (f.format !== RUN_FORMAT) fail('not a MasKD Playground run (its "format" is not maskd-playground.run)');
  if (f.formatVersion !== 1 && f.formatVersion !== 2) fail(`format version ${valueText(f.formatVersion, 20)}; this page reads versions 1 and 2`);
  // Only a version 2 file's checkpoint may open more objects than the series allow.
  if (objects > MAX_RUN_FILE_OBJECTS && (f.formatVersion !== 2 || f.checkpoint === undefined || f.checkpoint === null)) tooMany(MAX_RUN_FILE_OBJECTS);
  const clamped: string[] = [];
  const config = readConfig(f.config, clamped);
  const tokens = readTokens(f.tokens);
  let history: { losses: SeriesMap; metrics: SeriesMap };
  try {
    history = seriesMapsFromJson(f.history, 'run file: history');
  } catch (e) {
    throw new RunFileError(clip(e instanceof Error ? e.message : String(e), LIMITS.noticeChars.value));
  }
  const createdAt = typeof f.createdAt === 'string' ? f.createdAt.slice(0, 40) : '';
  if (f.formatVersion === 1) return { config, tokens, ...history, createdAt, clamped };
  const handover = readHandover(f.handover);
  const result = readResult(f.result, config.task);
  const checkpoint = readCheckpoint(f.checkpoint, config, handover);
  if (result && checkpoint && result.step > checkpoint.step) fail(`result.step ${result.step} is after the checkpoint's step ${checkpoint.step}`);
  return { config, tokens, ...history, createdAt, clamped, handover, result, checkpoint };
}
