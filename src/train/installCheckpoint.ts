// A stage-2 checkpoint from outside the session (a run file a bundle's train.py wrote), checked
// against a demo before it is installed: its student's weights by name and shape against the
// demo's student (the built-in one, or the user's own loaded student), its align module's against
// one built for the demo's taps, its tokens against the teacher (tokensForTeacher), its Adam state
// against their trainable weights. Nothing here changes the demo: the session commits only once
// all of it passed (installCheckpointInto).
import * as tf from '@tensorflow/tfjs';
import type { Checkpoint } from '../engine/checkpoint';
import type { NamedArray } from '../engine/artifacts';
import type { SetTokensRequest } from '../engine/tokens';
import { buildAlign } from '../models/align';
import { disposeModel } from '../models/disposeModel';
import { TAP_LAYER } from '../models/nets';
import { splitAtLayer } from '../models/split';
import { modelToArtifacts } from './artifacts';
import { installTokens, type Demo } from './demo';
import { setModelWeights } from './runState';
import { tokensForTeacher, type TeacherTokens } from './tokensForTeacher';
import { quote, shapeText } from '../messageQuote';

/**
 * Whether the demo's student is not the built-in one a demo load rebuilds: the user's own, or the
 * one made for a label-free teacher's outputs. A run of it writes no studentInit in its checkpoints.
 */
export function holdsOwnStudent(demo: Demo): boolean {
  return !!demo.user?.student || !!demo.mimic;
}

/**
 * Whether a demo load cannot rebuild `demo`: it holds the user's models or a dropped dataset. A
 * checkpoint of such a session can only be checked against (and installed into) the session itself.
 */
export function holdsOwnModels(demo: Demo): boolean {
  return !!demo.user || !!demo.mimic || demo.source.kind !== 'digits';
}

/**
 * The loaded demo a run file's checkpoint may go into without loading another, by task, input size
 * and student: the user's own student (the checkpoint has no studentInit), or the built-in student
 * started as the checkpoint's was (on the digit scenes with the shipped teacher, or beside the
 * user's teacher or dataset). Its weights are checked after (prepareInstall).
 */
export function demoFitsCheckpoint(demo: Demo | null, c: Checkpoint): demo is Demo {
  if (!demo || demo.task !== c.task || demo.inputShape[0] !== c.inputSize) return false;
  if (holdsOwnStudent(demo)) return c.studentInit === undefined;
  if (!holdsOwnModels(demo) && demo.base === null) return false;
  return c.studentInit === undefined || (demo.studentBackbone ? 'pretrained' : 'fresh') === c.studentInit;
}

/** Why a checkpoint without studentInit did not fit a built-in student, and what to do. */
export const OWN_MODELS_FIRST =
  'Its student is not a built-in one: load the student and teacher the run was exported from (and the dataset it ran on, if any), then open the file again';

/** What a checkpoint is checked against, in messages: "the segmentation demo" or the user's models by file. */
export function checkpointTarget(demo: Demo): string {
  if (!holdsOwnModels(demo)) return `the ${demo.task} demo`;
  const student = demo.user?.student ? `your student ${demo.user.student.label}` : 'the built-in student';
  const teacher = demo.user?.teacher ? ` with your teacher ${demo.user.teacher.label}` : '';
  return `${student}${teacher} on ${demo.source.kind === 'custom' ? 'your dataset' : 'the demo scenes'}`;
}

/** The checkpoint's tokens (+ branch) as a token request, or null when it has none. */
export function checkpointTokens(c: Checkpoint): Pick<SetTokensRequest, 'tokens' | 'branch'> | null {
  if (!c.tokens) return null;
  const plain = (a: NamedArray) => ({ shape: [...a.shape], data: Array.from(a.data) });
  return {
    tokens: { name: c.tokens.name, ...plain(c.tokens) },
    ...(c.branch ? { branch: Object.fromEntries(c.branch.map((a) => [a.name, plain(a)])) } : {}),
  };
}

/** Whose models the messages name: "the demo's" and "this demo's", or the loaded ones'. */
interface Owner {
  readonly whose: string;
  readonly thisOne: string;
}
const DEMO_OWNER: Owner = { whose: "the demo's", thisOne: "this demo's" };
const LOADED_OWNER: Owner = { whose: "the loaded one's", thisOne: 'the loaded' };

/** Throws naming the first weight whose name or shape differs from the model's (same order, as checkpoints keep them). */
function checkWeights(model: tf.LayersModel, arrays: readonly NamedArray[], what: string, owner: Owner): void {
  const weights = model.weights;
  if (arrays.length !== weights.length) throw new Error(`its ${what} has ${arrays.length} weights, ${owner.whose} ${weights.length}: it is not ${owner.thisOne} ${what}`);
  arrays.forEach((a, i) => {
    const w = weights[i];
    const shape = w.shape as number[];
    if (a.name !== w.originalName) throw new Error(`its ${what}'s weight ${i} is ${quote(a.name)}, ${owner.whose} is "${w.originalName}": it is not ${owner.thisOne} ${what}`);
    if (a.shape.length !== shape.length || a.shape.some((d, j) => d !== shape[j])) {
      throw new Error(`its ${what}'s weight ${quote(a.name)} is ${shapeText(a.shape)}, ${owner.whose} [${shape.join(',')}]`);
    }
  });
}

/**
 * Adam's state as the Distiller restores it: the iteration count (a scalar), then the first and the
 * second moments in the order of its variables (the student's trainable weights, then the align
 * module's), each of its variable's shape; or the count alone (no step taken yet).
 */
function checkOptimizer(state: readonly NamedArray[], variables: readonly tf.LayerVariable[], whoNeeds: string): void {
  const n = variables.length;
  if (state.length !== 1 && state.length !== 1 + 2 * n) throw new Error(`its Adam state has ${state.length} arrays; ${whoNeeds} 1 + 2 × ${n}`);
  if (state[0].shape.length !== 0 || !(Number.isInteger(state[0].data[0]) && state[0].data[0] >= 0)) throw new Error('its Adam state does not start with the iteration count (a whole number)');
  for (let i = 1; i < state.length; i++) {
    const want = variables[(i - 1) % n].shape as number[];
    const a = state[i];
    if (a.shape.length !== want.length || a.shape.some((d, j) => d !== want[j])) {
      throw new Error(`its Adam moment ${i} (${quote(a.name)}) is ${shapeText(a.shape)}, its weight ${variables[(i - 1) % n].originalName} [${want.join(',')}]`);
    }
  }
}

/** What installing `c` into `demo` needs, built beside the demo; throws (with everything released) when it does not fit. */
export interface PreparedInstall {
  readonly align: tf.LayersModel;
  /** The checkpoint's tokens for the demo's teacher, or null when the demo already holds them (built with them) or it has none. */
  readonly tokens: TeacherTokens | null;
}

export function prepareInstall(demo: Demo, c: Checkpoint, withTokens: boolean): PreparedInstall {
  if (c.kind !== 'distill' || !c.student || !c.align) throw new Error('it is not a stage-2 (distillation) checkpoint');
  if (c.compare) throw new Error('it is a comparison\'s checkpoint; only a single Distill run can be installed');
  const owner = holdsOwnStudent(demo) ? LOADED_OWNER : DEMO_OWNER;
  checkWeights(demo.student, c.student, 'student', owner);
  if (c.best) checkWeights(demo.student, c.best.weights, 'best student', owner);
  const studentTap = splitAtLayer(demo.student, demo.user?.student?.tap ?? TAP_LAYER).tapShape;
  const teacherTap = demo.teacherSplit.tapShape;
  const align = buildAlign([studentTap[0], studentTap[1], studentTap[2]], [teacherTap[0], teacherTap[1], teacherTap[2]]);
  let tokens: TeacherTokens | null = null;
  try {
    checkWeights(align, c.align, 'align module', DEMO_OWNER);
    setModelWeights(align, c.align, 'align module');
    // The student alone ('none') never runs the align module, and Adam makes moments only for
    // the variables gradients reach: its state covers the student's weights alone.
    const none = c.config.method === 'none';
    const trained = none ? demo.student.trainableWeights : [...demo.student.trainableWeights, ...align.trainableWeights];
    const who = owner === DEMO_OWNER ? "the demo's student" : 'the loaded student';
    checkOptimizer(c.optimizer, trained, none ? `${who} alone (method none) needs` : `${who} and align module need`);
    const request = withTokens ? checkpointTokens(c) : null;
    if (request) tokens = tokensForTeacher(demo, request);
  } catch (err) {
    disposeModel(align);
    throw err;
  }
  return { align, tokens };
}

/** Commits a prepared install: the checkpoint's student weights, align module (as artifacts) and tokens become the demo's. */
export async function installCheckpointInto(demo: Demo, c: Checkpoint, prepared: PreparedInstall): Promise<void> {
  try {
    setModelWeights(demo.student, c.student!, 'student');
    demo.align = await modelToArtifacts(prepared.align);
  } finally {
    disposeModel(prepared.align);
  }
  if (prepared.tokens) installTokens(demo, prepared.tokens.tokens, prepared.tokens.branch);
  if (demo.bestStudent) tf.dispose(demo.bestStudent);
  demo.bestStudent = null;
}
