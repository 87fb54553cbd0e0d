// Store actions that drive the engine. Components call these; nothing here touches a tensor.
import { isMethodName, METHODS, type MethodName } from '../maskd/methodInfo';
import type { Task } from '../models/nets';
import { BACKEND_PREFERENCE } from '../backends/labels';
import type { BackendChoice, BackendName } from '../backends/types';
import type { CompareConfig, DistillConfig, MaskStageConfig } from '../engine/runConfigs';
import type { StudentInit } from '../engine/models';
import type { EngineHost, PlaygroundEngine } from './engine';
import { store } from './store';
import { errorText } from '../errorText';
import { pushWarnings, WARNING_LEVELS } from './messages';
import { labelFreeReason } from './objective';

let host: EngineHost | null = null;
const wired = new WeakSet<PlaygroundEngine>();
/** Bumped when the engine is replaced: replies and failures from the old one are no longer news. */
let engineGeneration = 0;
/** Bumped by every demo load and engine restart: only the latest load's reply is shown. */
let demoLoadCount = 0;

export function connectEngine(h: EngineHost): void {
  host = h;
}

function engine(): PlaygroundEngine {
  if (!host) throw new Error('no engine connected');
  const e = host.get();
  if (!wired.has(e)) {
    wired.add(e);
    e.onError = (m) => store().pushMessage(m, 'error');
    // Said once, with its kind: a non-finite loss is this warning, not also the pause's reason.
    e.onWarning = (w) => store().pushMessage(w.text, WARNING_LEVELS[w.kind], w.kind);
    e.onPauseState = (info) => store().pauseChanged(info.paused, info.reason);
    e.onBackendChanged = ({ status }) => store().backendReady(status);
    e.onCalibrating = ({ timings, measuring }) => store().calibrationProgress(timings, measuring);
    e.onModelProbe = (progress) => store().byoProbing(progress);
    e.onDatasetLoad = (progress) => store().datasetProgressed(progress);
  }
  return e;
}

/** Auto measures (no forced order); WebGPU keeps a fallback chain; the others are forced on purpose. */
function backendOrder(choice: BackendChoice): readonly BackendName[] | undefined {
  if (choice === 'auto') return undefined;
  return choice === 'webgpu' ? BACKEND_PREFERENCE : [choice];
}

/** Starts the engine (Auto: measuring the backends, or using this device's remembered figures), loads the chosen demo and draws its masks. */
export async function startApp(remeasure = false): Promise<void> {
  if (!host) throw new Error('no engine connected');
  const generation = engineGeneration;
  store().backendStarting();
  try {
    const status = await engine().init(host.dataUrl, backendOrder(store().backendChoice), { task: store().task, remeasure });
    if (generation !== engineGeneration) return;
    store().backendReady(status);
  } catch (err) {
    if (generation === engineGeneration) store().backendFailed(errorText(err));
    return;
  }
  await loadDemo(store().task);
  if (generation === engineGeneration) await checkForCheckpoint();
}

/** Shuts the engine down and starts a new one; whatever the old one still owed is dropped. */
async function restartEngine(remeasure: boolean): Promise<void> {
  engineGeneration++;
  demoLoadCount++;
  host?.reset();
  await startApp(remeasure);
}

/**
 * Loads a demo's teacher, student and tokens with the masks of its shipped tokens (without tokens
 * there is nothing to draw until stage 1 runs; the gallery says so). If anything cleared the
 * gallery meanwhile (a run, a teacher trained on a dataset, another demo), those masks are stale
 * and dropped.
 */
export async function loadDemo(task: Task): Promise<void> {
  const s = store();
  s.demoLoading();
  s.clearSnapshots();
  const epoch = store().snapshotEpoch;
  const load = ++demoLoadCount;
  const stale = () => load !== demoLoadCount;
  try {
    const demo = await engine().loadDemo(task, { studentInit: store().studentInit });
    if (stale()) return;
    store().demoLoaded(demo);
    pushWarnings(store().pushMessage, demo.warnings);
    if (demo.snapshot && store().snapshotEpoch === epoch) store().snapshotReceived(demo.snapshot);
  } catch (err) {
    if (stale()) return;
    store().demoFailed(errorText(err));
    store().pushMessage(`Could not load the ${task} demo: ${errorText(err)}`, 'error');
  }
}

/** Picks how the demo students start and loads the demo again with it (never during a run). */
export async function changeStudentInit(init: StudentInit): Promise<void> {
  if (store().runPhase !== 'idle' || init === store().studentInit) return;
  store().setStudentInit(init);
  await loadDemo(store().task);
}

export async function changeTask(task: Task): Promise<void> {
  if (store().runPhase !== 'idle' || task === store().task) return;
  store().demoLoading(); // first: never ready with the new task and the old teacher
  store().setTask(task);
  await loadDemo(task);
}

/** Restarts the engine on another backend, or on Auto's pick (models reload there). */
export async function switchBackend(choice: BackendChoice): Promise<void> {
  if (!host || store().runPhase !== 'idle') return;
  store().setBackendChoice(choice);
  await restartEngine(false);
}

/** Times every backend again (the remembered figures are replaced), then restarts on Auto's pick. */
export async function remeasureBackends(): Promise<void> {
  if (!host || store().runPhase !== 'idle' || store().backendPhase === 'starting') return;
  store().setBackendChoice('auto');
  await restartEngine(true);
}

/** Token-based methods need tokens: say so instead of starting a run that fails. */
function tokensMissingFor(methods: readonly MethodName[]): boolean {
  const s = store();
  const needs = methods.filter((m) => METHODS[m].usesTokens);
  if (!needs.length || s.tokens !== null || s.masksTrained) return false;
  s.pushMessage(`${needs.map((m) => METHODS[m].label).join(', ')} needs receptive tokens, and this teacher has none yet: press “Learn masks” first.`, 'warn');
  return true;
}

function canStart(): boolean {
  const s = store();
  return s.runPhase === 'idle' && s.demoPhase === 'ready' && s.backendPhase === 'ready';
}

/** An engine request that failed, as an error notice. */
const report = (err: unknown) => store().pushMessage(errorText(err), 'error');

const handlers = () => ({
  onProgress: store().progressReceived,
  onSnapshot: store().snapshotReceived,
});

async function run(body: () => Promise<void>): Promise<void> {
  // A new run's checkpoints replace a stored one: stop offering it.
  store().resumeOfferClosed();
  try {
    await body();
  } catch (err) {
    store().pushMessage(errorText(err), 'error');
  } finally {
    store().runEnded();
  }
}

export function maskConfig(): MaskStageConfig {
  const s = store();
  return { ...s.mask, seed: s.seed, objective: labelFreeReason(s) ? 'teacher' : s.maskObjective };
}

/** What a distillation run and a comparison share: the budget, data order and validation. */
function runBudget(): Omit<DistillConfig, 'method' | 'params'> {
  const { distill, seed } = store();
  return {
    steps: distill.steps,
    batchSize: distill.batchSize,
    lr: distill.lr,
    seed,
    evalEvery: distill.evalEvery,
    valCount: distill.valCount,
  };
}

export function distillConfig(method: MethodName = store().distill.method): DistillConfig {
  return { method, params: store().distill.params[method], ...runBudget() };
}

/** The seeds a comparison runs: the Setup seed and the next ones, `compareSeeds` in all. */
export function compareSeedList(): number[] {
  const { seed, compareSeeds } = store();
  return Array.from({ length: Math.max(1, compareSeeds) }, (_, i) => (seed + i) >>> 0);
}

export function compareConfig(): CompareConfig {
  const seeds = compareSeedList();
  return { ...runBudget(), params: store().distill.params, ...(seeds.length > 1 ? { seeds } : {}) };
}

/** Stage 1: learns receptive tokens; the gallery replays how the masks formed. */
export async function learnMasks(): Promise<void> {
  if (!canStart()) return;
  const config = maskConfig();
  store().clearSnapshots();
  store().runStarted('masks', 'masks', [null]);
  await run(async () => {
    // The run's last step comes with its masks (onSnapshot).
    await engine().learnMasks(config, handlers());
    store().markMasksTrained();
  });
}

/** Stage 2 with the chosen method. */
export async function distill(): Promise<void> {
  if (!canStart() || tokensMissingFor([store().distill.method])) return;
  const config = distillConfig();
  store().runStarted('distill', 'distill', [config.method]);
  await run(async () => {
    await engine().distill(config, handlers());
  });
}

/** Stage 2 for each ticked method with the same init, data order and budget. */
export async function compareMethods(): Promise<void> {
  const methods = store().compareMethods.filter(isMethodName);
  if (!canStart() || methods.length === 0 || tokensMissingFor(methods)) return;
  const config = compareConfig();
  store().runStarted('compare', 'distill', methods, config.seeds);
  await run(async () => {
    const rows = await engine().compare(methods, config, { ...handlers(), onCompareRow: store().compareRowReceived });
    for (const row of rows) store().compareRowReceived(row);
  });
}

export function togglePause(): void {
  const phase = store().runPhase;
  if (phase === 'running') {
    void engine().pause().catch(report);
    store().pauseChanged(true, null);
  } else if (phase === 'paused') {
    void engine().resume().catch(report);
    store().pauseChanged(false, null);
  }
}

/** One step while paused. */
export function stepOnce(): void {
  if (store().runPhase === 'paused') void engine().stepOnce().catch(report);
}

export function stopRun(): void {
  if (store().runPhase === 'idle') return;
  void engine().stop().catch(report);
  store().stopRequested();
}

/** The connected engine, wired to the store's messages (for actions kept in other files). */
export function currentEngine(): PlaygroundEngine {
  return engine();
}

export function newSeed(): void {
  store().setSeed(1 + Math.floor(Math.random() * 2_147_483_646));
}

/** Offers to resume a run that a reload (or a closed tab) interrupted, when one is stored. */
export async function checkForCheckpoint(): Promise<void> {
  try {
    const info = await engine().findCheckpoint();
    if (info) store().resumeOffered(info);
  } catch (err) {
    store().pushMessage(`Could not look for a stored checkpoint: ${errorText(err)}`, 'warn');
  }
}

/** Continues the stored run exactly: same step, same history in the charts, same data order. */
export async function resumeStoredRun(): Promise<void> {
  const offer = store().resumeOffer;
  if (!offer || !canStart()) return;
  store().resumeOfferClosed();
  if (offer.task !== store().task) {
    store().setTask(offer.task);
    await loadDemo(offer.task);
    if (!canStart()) return;
  }
  const stage = offer.kind === 'masks' ? 'masks' : 'distill';
  if (stage === 'masks') store().clearSnapshots();
  const compare = offer.compare;
  if (compare) {
    // The comparison's table and the curves of its finished methods come back first.
    store().runStarted('compare', 'distill', compare.methods, compare.seeds);
    for (const m of compare.methods) {
      const h = compare.histories[m];
      if (h && m !== offer.method) store().runResumed('compare', 'distill', m, h);
    }
    for (const row of compare.rows) store().compareRowReceived(row);
  }
  store().runResumed(compare ? 'compare' : offer.kind, stage, offer.method, offer.history);
  await run(async () => {
    const r = await engine().resumeCheckpoint(undefined, { ...handlers(), onCompareRow: store().compareRowReceived });
    if (r.kind === 'masks') store().markMasksTrained();
    if (r.kind === 'compare') for (const row of r.rows) store().compareRowReceived(row);
  });
}

/** Forgets the stored run. */
export async function discardStoredRun(): Promise<void> {
  store().resumeOfferClosed();
  try {
    await engine().discardCheckpoint();
  } catch (err) {
    store().pushMessage(`Could not discard the stored checkpoint: ${errorText(err)}`, 'warn');
  }
}

/** While paused (e.g. on a non-finite loss): the run continues with this base learning rate. */
export function setRunLearningRate(lr: number): void {
  if (store().runPhase !== 'paused') return;
  if (!(Number.isFinite(lr) && lr > 0)) {
    store().pushMessage(`The learning rate must be a positive number, got ${lr}.`, 'warn');
    return;
  }
  engine()
    .setLearningRate(lr)
    .then(() => store().pushMessage(`The run continues with learning rate ${lr} (cosine schedule from there) when you press Resume.`, 'info'), report);
}
