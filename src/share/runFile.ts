// A whole run in one JSON file: the Setup (config), the receptive tokens (+ branch) and the loss
// and metric history. Dropped or opened back onto the page it restores all three. Parsing trusts
// nothing: every field is checked for type and bounds before anything is applied.
import { isMethodName, METHOD_NAMES, METHODS, type MethodName } from '../maskd/methods';
import type { TokenWeightsState } from '../maskd/tokenWeights';
import type { NamedSerializedTensor } from '../maskd/types';
import type { SeriesMap } from '../state/series';
import type { DistillSettings, MaskSettings, ParamValue } from '../state/setupSlice';
import { historyToJsonObject, seriesMapsFromJson, type SeriesJson } from './history';
import { LINK_LIMITS } from './linkSchema';

export const RUN_FORMAT = 'maskd-playground.run';
/** Far above a demo run (≈1 MB with the branch); a bigger file is refused before parsing. */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;

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

class RunFileError extends Error {}
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

function readMask(v: unknown): MaskSettings {
  const m = obj(v, 'config.mask');
  return {
    numTokens: number(m.numTokens, 'config.mask.numTokens', 1, LINK_LIMITS.maxTokens, true),
    steps: number(m.steps, 'config.mask.steps', 1, 1e7, true),
    batchSize: number(m.batchSize, 'config.mask.batchSize', 1, 4096, true),
    lr: number(m.lr, 'config.mask.lr', 0, 10),
    diceWeight: number(m.diceWeight, 'config.mask.diceWeight', 0, 1e4),
    tokenWeights: bool(m.tokenWeights, 'config.mask.tokenWeights'),
  };
}

function readParams(v: unknown): Record<MethodName, Record<string, ParamValue>> {
  const all = obj(v, 'config.distill.params');
  const out = {} as Record<MethodName, Record<string, ParamValue>>;
  for (const name of METHOD_NAMES) {
    const given = obj(all[name] ?? {}, `config.distill.params.${name}`);
    const params: Record<string, ParamValue> = { ...(METHODS[name].defaults as Record<string, ParamValue>) };
    for (const [key, value] of Object.entries(given)) {
      const spec = METHODS[name].params.find((p) => p.key === key);
      if (!spec) fail(`config.distill.params.${name} has an unknown parameter "${key}"`);
      const what = `config.distill.params.${name}.${key}`;
      params[key] = spec!.kind === 'boolean' ? bool(value, what) : number(value, what, spec!.min ?? 0, spec!.max ?? 1e7, spec!.kind === 'integer');
    }
    out[name] = params;
  }
  return out;
}

function readDistill(v: unknown): DistillSettings {
  const d = obj(v, 'config.distill');
  if (!isMethodName(d.method)) fail(`config.distill.method must be one of ${METHOD_NAMES.join(', ')}`);
  return {
    method: d.method as MethodName,
    params: readParams(d.params),
    steps: number(d.steps, 'config.distill.steps', 1, 1e7, true),
    batchSize: number(d.batchSize, 'config.distill.batchSize', 1, 4096, true),
    lr: number(d.lr, 'config.distill.lr', 0, 10),
    evalEvery: number(d.evalEvery, 'config.distill.evalEvery', 1, 1e7, true),
    valCount: number(d.valCount, 'config.distill.valCount', 1, 100_000, true),
  };
}

function readConfig(v: unknown): RunConfig {
  const c = obj(v, 'config');
  if (c.task !== 'segmentation' && c.task !== 'detection') fail('config.task must be segmentation or detection');
  const compare = Array.isArray(c.compareMethods) ? c.compareMethods : fail('config.compareMethods must be a list');
  if (!compare.every(isMethodName)) fail('config.compareMethods holds an unknown method');
  return {
    task: c.task as RunTask,
    seed: number(c.seed, 'config.seed', 0, 0xffffffff, true),
    mask: readMask(c.mask),
    distill: readDistill(c.distill),
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
  for (const x of data as unknown[]) if (typeof x !== 'number' || !(Math.abs(x) <= LINK_LIMITS.maxAbsValue)) fail(`${what} holds a value that is not a finite number`);
  return { shape: [...shape], data: data as number[] };
}

function readTokens(v: unknown): RunTokens | null {
  if (v === null) return null;
  const r = obj(v, 'tokens');
  const t = obj(r.tokens, 'tokens.tokens');
  const shape = Array.isArray(t.shape) ? t.shape : fail('tokens.tokens.shape must be [T, C]');
  const T = number(shape[0], 'tokens: T', 1, LINK_LIMITS.maxTokens, true);
  const C = number(shape[1], 'tokens: C', 1, LINK_LIMITS.maxChannels, true);
  const tokens: NamedSerializedTensor = { name: 'mask_token', ...readTensor(t, 'tokens.tokens', [T, C]) };
  if (r.branch === undefined || r.branch === null) return { tokens };
  const b = obj(r.branch, 'tokens.branch');
  const shapes: Record<string, number[]> = { 'prob.0.weight': [3, 3, C, C], 'prob.0.bias': [C], 'prob.2.weight': [1, 1, C, T], 'prob.2.bias': [T] };
  const extra = Object.keys(b).filter((k) => !(k in shapes));
  if (extra.length) fail(`tokens.branch has unknown tensors ${extra.join(', ')}`);
  const branch: TokenWeightsState = {};
  for (const [name, shape] of Object.entries(shapes)) branch[name] = readTensor(b[name], `tokens.branch["${name}"]`, shape);
  return { tokens, branch };
}

/** Parses and validates a run file; throws an Error that says what is wrong. */
export function parseRunFile(text: string): RunContents & { createdAt: string } {
  if (text.length > MAX_RUN_FILE_BYTES) fail(`larger than ${MAX_RUN_FILE_BYTES / 1024 / 1024} MB`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('not valid JSON; choose a file saved with “Export run”');
  }
  const f = obj(value, 'the file');
  if (f.format === 'maskd-playground.tokens') fail('this is the JSON sidecar of a token export; open the .safetensors file it names to import the tokens');
  if (f.format !== RUN_FORMAT) fail('not a MasKD Playground run (its "format" is not maskd-playground.run)');
  if (f.formatVersion !== 1) fail(`format version ${String(f.formatVersion)}; this page reads version 1`);
  const config = readConfig(f.config);
  const tokens = readTokens(f.tokens);
  let history: { losses: SeriesMap; metrics: SeriesMap };
  try {
    history = seriesMapsFromJson(f.history, 'run file: history');
  } catch (e) {
    throw new RunFileError(e instanceof Error ? e.message : String(e));
  }
  return { config, tokens, ...history, createdAt: typeof f.createdAt === 'string' ? f.createdAt.slice(0, 40) : '' };
}
