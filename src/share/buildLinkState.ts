// The page's current visualisation as a LinkState (what Share encodes), and the way back: a
// decoded link's settings for the Setup panel, and embedded mask images as a snapshot to draw.
// Pure: no tf, no DOM.
import { METHODS, type MethodName } from '../maskd/methodInfo';
import type { TokenWeightsState } from '../maskd/tokenLayout';
import type { NamedSerializedTensor } from '../maskd/types';
import type { DistillSettings, MaskSettings } from './settings';
import type { MaskSnapshot } from '../engine/progress';
import { linkBranchFromState, linkTokensFromSerialized } from './linkAdapters';
import { LEGACY_MASK_FIELDS } from './maskRecipes';
import { checkHyperValue, HYPER_PARAM_SPECS, hyperSpecIndex, SAFE_STRING, type LinkHyperParams, type LinkState, type LinkTask, type ModelRef } from './linkSchema';

/**
 * A model card's `source` as a link reference: `builtin:<id>` (a shipped teacher) and
 * `fresh:<id>` (a demo net built in code from the seed) by id, `[<label> · ]sha256:<hex>` by content hash.
 */
export function modelRefFromSource(source: string): ModelRef {
  // A user's model or one trained in the page: `<label> · sha256:<hex>`.
  const hashed = /(?:^|\s)sha256:([0-9a-f]{64})$/.exec(source);
  if (hashed) return { kind: 'sha256', hex: hashed[1] };
  const m = /^(builtin|fresh):(.+)$/.exec(source);
  const id = m ? (m[1] === 'fresh' ? `fresh/${m[2]}` : m[2]) : '';
  if (!SAFE_STRING.test(id)) throw new Error(`the model "${source}" has no id or content hash a link can name`);
  return { kind: 'builtin', id };
}

/** Whether the link's teacher is one the page ships, so masks can be rebuilt from tokens alone. */
export function isShippedTeacher(ref: ModelRef, task: LinkTask): boolean {
  return ref.kind === 'builtin' && ref.id === `${task}-teacher`;
}

/**
 * How the link's demo student started, from its reference (the demo card's source): the shipped
 * pretrained backbone (`builtin:<task>-student`) or fresh (`fresh:<task>-student`); null for any
 * other student (a user's), which leaves the page's choice as it is.
 */
export function studentInitOfRef(ref: ModelRef, task: LinkTask): 'pretrained' | 'fresh' | null {
  if (ref.kind !== 'builtin') return null;
  if (ref.id === `${task}-student`) return 'pretrained';
  return ref.id === `fresh/${task}-student` ? 'fresh' : null;
}

export interface LinkSource {
  task: LinkTask;
  teacherSource: string;
  studentSource: string;
  tapLayer: string;
  seed: number;
  mask: MaskSettings;
  distill: Pick<DistillSettings, 'method' | 'params' | 'steps' | 'batchSize' | 'lr'>;
  tokens: NamedSerializedTensor;
  branch?: TokenWeightsState;
  previewSeeds: readonly number[];
  /** The masks shown now; embedded (quantised) when the teacher is not a shipped one. */
  snapshot: MaskSnapshot | null;
}

function pickHyper(source: LinkSource): LinkHyperParams {
  const { mask, distill } = source;
  const candidates: Record<string, unknown> = {
    method: distill.method,
    ...distill.params[distill.method],
    tokenWeights: mask.tokenWeights,
    maskLr: mask.lr,
    optimizer: mask.optimizer,
    schedule: mask.schedule,
    maskMomentum: mask.momentum,
    maskWeightDecay: mask.weightDecay,
    maskMinLr: mask.minLr,
    maskIterations: mask.steps,
    diceWeight: mask.diceWeight,
    distillLr: distill.lr,
    distillIterations: distill.steps,
    batchSize: distill.batchSize,
    tapLayer: source.tapLayer,
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(candidates)) {
    const i = hyperSpecIndex(key);
    // What a link cannot carry (a key it has no id for, a value out of its bounds) stays out.
    if (i >= 0 && checkHyperValue(HYPER_PARAM_SPECS[i], value) === null) out[key] = value;
  }
  return out as LinkHyperParams;
}

/** The LinkState of the current page. Throws when the masks must be embedded but there are none. */
export function buildLinkState(source: LinkSource): LinkState {
  const teacher = modelRefFromSource(source.teacherSource);
  const state: LinkState = {
    v: 1,
    task: source.task,
    models: { teacher, student: modelRefFromSource(source.studentSource) },
    seed: source.seed >>> 0,
    hyper: pickHyper(source),
    tokens: linkTokensFromSerialized(source.tokens),
    previews: [...source.previewSeeds],
  };
  if (source.branch) state.tokenWeights = linkBranchFromState(source.branch);
  if (!isShippedTeacher(teacher, source.task)) {
    const snap = source.snapshot;
    if (!snap) throw new Error('this teacher is not a shipped one, so the link must carry the mask images, and none are drawn yet');
    if (snap.numTokens !== state.tokens.numTokens) throw new Error('the masks drawn do not belong to the current tokens; wait for the next snapshot');
    const [h, w] = snap.maskSize;
    const data = snap.masks.slice(0, snap.previews * h * w * snap.numTokens).map((v) => Math.min(1, Math.max(0, v)));
    state.masks = { height: h, width: w, data };
    state.previews = state.previews.slice(0, snap.previews);
  }
  return state;
}

/** What a link sets in the Setup panel (task, seed, stage settings and the method's parameters). */
export interface SetupFromLink {
  task: 'segmentation' | 'detection' | null;
  seed: number;
  mask: Partial<MaskSettings>;
  distill: Partial<Omit<DistillSettings, 'params'>>;
  method: MethodName | null;
  params: Record<string, number | boolean>;
}

export function setupFromLink(state: LinkState): SetupFromLink {
  const h = state.hyper;
  const method = h.method ?? null;
  const params: Record<string, number | boolean> = {};
  if (method) {
    for (const p of METHODS[method].params) {
      const v = (h as Record<string, unknown>)[p.key];
      if (typeof v === 'number' || typeof v === 'boolean') params[p.key] = v;
    }
  }
  const mask: Partial<MaskSettings> = { numTokens: state.tokens.numTokens };
  if (h.maskLr !== undefined) mask.lr = h.maskLr;
  if (h.maskIterations !== undefined && h.maskIterations >= 1) mask.steps = h.maskIterations;
  if (h.diceWeight !== undefined) mask.diceWeight = h.diceWeight;
  if (h.tokenWeights !== undefined) mask.tokenWeights = h.tokenWeights;
  // A link without an optimiser predates the stage-1 recipes: its tokens were learnt with Adam, cosine to 0, no decay.
  if (h.optimizer === undefined) Object.assign(mask, LEGACY_MASK_FIELDS);
  else {
    if (h.optimizer === 'adam' || h.optimizer === 'sgd') mask.optimizer = h.optimizer;
    if (h.schedule === 'cosine' || h.schedule === 'poly') mask.schedule = h.schedule;
    if (h.maskMomentum !== undefined) mask.momentum = h.maskMomentum;
    if (h.maskWeightDecay !== undefined) mask.weightDecay = h.maskWeightDecay;
    if (h.maskMinLr !== undefined) mask.minLr = h.maskMinLr;
  }
  const distill: Partial<Omit<DistillSettings, 'params'>> = {};
  if (method) distill.method = method;
  if (h.distillLr !== undefined) distill.lr = h.distillLr;
  if (h.distillIterations !== undefined && h.distillIterations >= 1) distill.steps = h.distillIterations;
  if (h.batchSize !== undefined) distill.batchSize = h.batchSize;
  return { task: state.task === 'custom' ? null : state.task, seed: state.seed, mask, distill, method, params };
}

/** Embedded mask images [P,H,W,T] as a snapshot the gallery can draw (over a neutral grey scene). */
export function snapshotFromLinkMasks(state: LinkState): MaskSnapshot | null {
  if (!state.masks) return null;
  const { height: h, width: w, data } = state.masks;
  const p = state.previews.length;
  return {
    step: 0,
    stage: 'masks',
    previews: p,
    imageSize: [h, w],
    maskSize: [h, w],
    numTokens: state.tokens.numTokens,
    images: new Float32Array(p * h * w * 3).fill(0.5),
    masks: Float32Array.from(data),
  };
}
