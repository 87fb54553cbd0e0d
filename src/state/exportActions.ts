// Exports (tokens as safetensors + sidecar, student as a tfjs zip, gallery PNG, history CSV/JSON,
// whole run) and the imports that come back (tokens .safetensors, run file). The browser parts
// (saving a file, drawing the PNG) come in through `ExportEnv`, so Node tests can check the bytes.
import { customMaskStart, type MaskdParams } from '../maskd/methodInfo';
import { buildTokenExport } from '../share/tokenExport';
import { fileNames } from '../share/fileNames';
import { historyToCsv, historyToJson } from '../share/history';
import { buildRunFile, type ParsedRunFile, type RunConfig } from '../share/runFile';
import { studentZip } from '../share/tfjsExport';
import type { DemoLoaded } from '../engine/models';
import type { MaskSnapshot } from '../engine/progress';
import type { TokensSet } from '../engine/tokens';
import type { SeriesMap } from '../share/series';
import { currentEngine } from './actions';
import { store, useAppStore, type AppState } from './store';
import { applyTokens, readyForTokens } from './tokenActions';
import { shownSnapshot } from './vizSlice';
import { userModelOnCard } from './byoSlice';
import { labelFreeReason } from './objective';
import { errorText } from '../errorText';
import { fileParser, type PickedFile } from './fileParser';
import { pytorchReturnOf, restorePytorchRun } from './pytorchReturn';
import { pushClampedNotice, restoredRunFields, showRestoredDemo } from './restoredRun';

export type { PickedFile } from './fileParser';

export const APP_NAME = 'maskd-playground';
export const APP_VERSION = '0.1.0';

export interface ExportEnv {
  save(name: string, data: Uint8Array | string, mime: string): void;
  /** The gallery's snapshot as PNG bytes. */
  png(snapshot: MaskSnapshot): Promise<Uint8Array>;
  now(): Date;
}

let env: ExportEnv | null = null;

export function setExportEnv(e: ExportEnv): void {
  env = e;
}

function requireEnv(): ExportEnv {
  if (!env) throw new Error('no export environment set');
  return env;
}

/** Runs one export with its label as the busy marker; failures become a message. */
async function exporting(label: string, body: () => Promise<void>): Promise<void> {
  if (store().exportBusy) return;
  store().setExportBusy(label);
  try {
    await body();
  } catch (err) {
    store().pushMessage(`${label} failed: ${errorText(err)}`, 'error');
  } finally {
    store().setExportBusy(null);
  }
}

async function tokenExport() {
  const s = store();
  const file = await currentEngine().exportTokens();
  return buildTokenExport({
    tokens: file.tokens,
    branch: file.branch,
    config: {
      task: s.task,
      tapLayer: s.teacher?.tapLayer ?? 'neck',
      teacher: s.teacher?.source ?? 'unknown',
      student: s.student?.source,
      hyperParameters: {
        maskLr: s.mask.lr, maskSteps: s.mask.steps, diceWeight: s.mask.diceWeight, batchSize: s.mask.batchSize,
        optimizer: s.mask.optimizer, ...(s.mask.optimizer === 'sgd' ? { momentum: s.mask.momentum } : {}),
        weightDecay: s.mask.weightDecay, schedule: s.mask.schedule, ...(s.mask.schedule === 'cosine' ? { minLr: s.mask.minLr } : {}),
      },
    },
    provenance: { app: APP_NAME, appVersion: APP_VERSION, createdAt: requireEnv().now().toISOString(), seed: s.seed, backend: s.backendStatus?.backend ?? 'unknown' },
  });
}

/** Where a restored run's MasKD curve switched the custom mask on, by its settings (1-based step, as the charts count). */
function restoredCustomMaskFrom(config: RunConfig): number | null {
  const start = customMaskStart(config.distill.params.maskd as unknown as MaskdParams, config.distill.steps);
  return start === null ? null : start + 1;
}

/** The tokens (+ branch) as the reference MaskModule state dict in .safetensors. */
export function exportTokensSafetensors(): Promise<void> {
  return exporting('Export tokens', async () => {
    const out = await tokenExport();
    requireEnv().save(out.fileNames.weights, out.safetensors, 'application/octet-stream');
  });
}

/** The JSON sidecar (config and provenance) of the same export. */
export function exportTokensSidecar(): Promise<void> {
  return exporting('Export sidecar', async () => {
    const out = await tokenExport();
    requireEnv().save(out.fileNames.sidecar, out.sidecarJson, 'application/json');
  });
}

/** A file's contents as a PickedFile (tests, and bytes already in memory). */
export function pickedFile(name: string, data: Uint8Array | string): PickedFile {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return {
    name,
    size: bytes.length,
    arrayBuffer: async () => bytes.slice().buffer as ArrayBuffer,
    text: async () => new TextDecoder().decode(bytes),
  };
}

/** "name: message" → "message" (the refusals of the size checks start with the file's name already). */
function withoutName(text: string, name: string): string {
  return text.startsWith(`${name}: `) ? text.slice(name.length + 2) : text;
}

/**
 * Reads a .safetensors MaskModule state dict into the engine, as one transaction: the size is
 * checked from the file before it is read, the header (T, C) before any value is converted, and
 * the new tokens are built and their masks drawn beside the ones in use (engine setTokens), which
 * are replaced only when all of that worked. A refusal names the file and the limit and changes
 * nothing: same tokens, same masks, same Setup.
 */
export async function importTokensFile(file: PickedFile): Promise<void> {
  if (!readyForTokens('import tokens')) return;
  const { name } = file;
  const teacher = store().teacher;
  try {
    // Off the page's main thread (./fileParser.ts): the size from File.size first, then the header, then the values.
    const imported = await fileParser().tokens(file, { channels: teacher?.featureShape[2] });
    const r = await applyTokens(imported.tokens, imported.branch);
    store().setMask({ numTokens: r.numTokens, tokenWeights: r.tokenWeights });
    store().pushMessage(`Imported ${r.numTokens} tokens (C = ${r.channels}${r.tokenWeights ? ', with the token-weight branch' : ''}) from ${name}.`, 'info');
  } catch (err) {
    store().pushMessage(`Could not import ${name}: ${withoutName(errorText(err), name)}. The tokens in use are unchanged.`, 'error');
  }
}

export function exportStudentModel(): Promise<void> {
  return exporting('Export student', async () => {
    const exp = await currentEngine().exportStudent();
    requireEnv().save(fileNames.studentZip(exp.task), studentZip(exp, `${APP_NAME} ${APP_VERSION}`), 'application/zip');
  });
}

/**
 * Why *Export → Student (.onnx)* cannot run now, or null when it can: only a student that came in as
 * .onnx (its card is the one the user's model belongs to) can be written back as one.
 */
export function onnxStudentUnavailable(s: Pick<AppState, 'byo' | 'student'>): string | null {
  const own = userModelOnCard(s.byo, 'student', s.student);
  if (!own) return 'The student is a built-in one: load an .onnx student (drop it on the student card) to export it as ONNX';
  if (own.format !== 'onnx') return `The student came in as a TF.js ${own.format}, not as .onnx: export it as TF.js instead`;
  return null;
}

/** The trained ONNX student as .onnx (its own graph, the trained weights), named after the file it came in as. */
export function exportStudentOnnx(): Promise<void> {
  return exporting('Export student (ONNX)', async () => {
    const why = onnxStudentUnavailable(store());
    if (why) throw new Error(why);
    const exp = await currentEngine().exportStudentOnnx();
    requireEnv().save(fileNames.studentOnnx(exp.task, exp.file), new Uint8Array(exp.bytes), 'application/octet-stream');
  });
}

/**
 * Why *Export → Continue in PyTorch (.zip)* cannot run now, or null when it can: a stage-2 run
 * (Distill or a comparison, ended or paused) has left state to hand over, its teacher is a layers
 * model (built-in or the user's) and it trained against labels (the digit scenes or a labelled
 * dataset). The engine checks the same again, every layer by name, and the dataset's size.
 */
export function pytorchUnavailable(s: Pick<AppState, 'progress' | 'runPhase' | 'byo' | 'teacher' | 'student' | 'byoLabelFree' | 'dataMode' | 'dataset' | 'customTeacher' | 'pytorchReturn'>): string | null {
  // A run file's checkpoint (the way back from PyTorch) is stage-2 state too.
  if (s.progress?.stage !== 'distill' && !s.pytorchReturn?.installed) return 'Run Distill first: only a stage-2 run has a student, an align module and Adam\'s state to continue in PyTorch';
  if (s.runPhase === 'running' || s.runPhase === 'stopping') return 'A run is training: pause it or let it end, then continue in PyTorch';
  const teacher = userModelOnCard(s.byo, 'teacher', s.teacher);
  if (teacher?.format === 'graph-model') return `The teacher ${teacher.label} is a TF.js graph model: only layers models become PyTorch modules`;
  const student = userModelOnCard(s.byo, 'student', s.student);
  if (student?.format === 'onnx') return `The student ${student.label} came in as .onnx: train.py continues students generated from TF.js layers (Export → Student (.onnx), then npm run export:onnx-pytorch gives its PyTorch module and weights)`;
  const labelFree = labelFreeReason(s);
  if (labelFree) return `The run learnt from the teacher's own outputs (${labelFree}): train.py trains against labels only`;
  return null;
}

/** The last stage-2 state as a PyTorch run bundle (train.py, generated modules, state dicts, run.json), saved as `maskd-pytorch-<task>-step<k>.zip`. */
export function exportPytorch(): Promise<void> {
  return exporting('Continue in PyTorch', async () => {
    const why = pytorchUnavailable(store());
    if (why) throw new Error(why);
    const exp = await currentEngine().exportPytorch();
    const name = fileNames.pytorchZip(exp.task, exp.step);
    requireEnv().save(name, new Uint8Array(exp.bytes), 'application/zip');
    store().pushMessage(`Saved ${name}: ${exp.method} at step ${exp.step} of ${exp.total} (${exp.files} files). Unzip it and run python train.py (or torchrun) to go on.`, 'info');
  });
}

export function exportGalleryPng(): Promise<void> {
  return exporting('Export masks', async () => {
    const snap = shownSnapshot(store());
    if (!snap) throw new Error('there are no masks drawn yet');
    requireEnv().save(fileNames.maskGallery(store().task, snap.step), await requireEnv().png(snap), 'image/png');
  });
}

export function exportHistory(format: 'csv' | 'json'): Promise<void> {
  return exporting(`Export history (${format.toUpperCase()})`, async () => {
    const { losses, metrics, task } = store();
    if (format === 'csv') requireEnv().save(fileNames.historyCsv(task), historyToCsv(losses, metrics), 'text/csv');
    else requireEnv().save(fileNames.historyJson(task), historyToJson(losses, metrics), 'application/json');
  });
}

function runConfig(): RunConfig {
  const s = store();
  return { task: s.task, seed: s.seed, mask: s.mask, distill: s.distill, compareMethods: s.compareMethods };
}

/**
 * The page's run as a run file: Setup, the engine's tokens (+ branch) and the history in the
 * charts. What Export run saves and what the last results in this browser's storage hold.
 */
export async function currentRunFile(createdAt: Date): Promise<{ text: string; losses: SeriesMap; metrics: SeriesMap }> {
  const s = store();
  // A teacher without tokens is still a run worth saving: its config and history.
  const tokens = s.tokens !== null || s.masksTrained ? await currentEngine().exportTokens() : null;
  const text = buildRunFile(
    { config: runConfig(), tokens: tokens ? { tokens: tokens.tokens, ...(tokens.branch ? { branch: tokens.branch } : {}) } : null, losses: s.losses, metrics: s.metrics },
    createdAt.toISOString(),
    `${APP_NAME} ${APP_VERSION}`,
  );
  return { text, losses: s.losses, metrics: s.metrics };
}

export function exportRun(): Promise<void> {
  return exporting('Export run', async () => {
    const { task, seed } = store();
    const run = await currentRunFile(requireEnv().now());
    requireEnv().save(fileNames.run(task, seed), run.text, 'application/json');
    // These results are in a file now: not work a reload or a link would lose.
    useAppStore.setState({ savedHistory: { losses: run.losses, metrics: run.metrics } });
  });
}

/**
 * Restores a run file: config into Setup, tokens into the engine, history into the charts. The
 * size is checked from the file before it is read; then the whole file is validated (task,
 * settings, tokens, history: parseRunFile); then applied all or nothing — see restoreRun.
 */
export async function openRunFile(file: PickedFile): Promise<void> {
  if (!readyForTokens('open a run')) return;
  let run: ParsedRunFile;
  try {
    run = await fileParser().run(file);
  } catch (err) {
    store().pushMessage(`Could not open ${file.name}: ${withoutName(errorText(err), file.name)}. Nothing was changed.`, 'error');
    return;
  }
  await restoreRun(run, file.name);
}

/**
 * Puts a parsed run in place of the page's, all or nothing. The engine part comes first and is
 * itself atomic: tokens of the same task replace the current ones only once their masks are
 * drawn (setTokens); another task's demo is loaded beside the current one with the run's tokens
 * (loadDemo with tokens) and replaces it only when they fit. Only after the engine said yes does
 * the page change, in one step: task, Setup, history, tokens and masks together. On a refusal
 * nothing changes and the message names the source. Returns whether the run was restored.
 */
export async function restoreRun(run: ParsedRunFile, name: string, from: 'file' | 'storage' = 'file'): Promise<boolean> {
  // A run that came back from PyTorch with its checkpoint: the engine installs that first (./pytorchReturn.ts).
  if (run.checkpoint) return restorePytorchRun({ ...run, checkpoint: run.checkpoint }, name);
  const { config } = run;
  let demo: DemoLoaded | null = null;
  let set: TokensSet | null = null;
  try {
    if (config.task !== store().task) {
      demo = await currentEngine().loadDemo(config.task, run.tokens ? { tokens: run.tokens } : undefined);
    } else if (run.tokens) {
      set = await currentEngine().setTokens(run.tokens);
    }
  } catch (err) {
    store().pushMessage(`Could not open ${name}: ${errorText(err)}. Nothing was changed: the task, settings, tokens and history in use are the ones from before.`, 'error');
    return false;
  }
  showRestoredDemo(config.task, demo);
  const snapshot = demo ? demo.snapshot : set ? set.snapshot : null;
  useAppStore.setState({
    ...restoredRunFields(run, {
      distill: config.distill,
      // The run file keeps the Setup, not the run's own progress: the marker follows its MasKD settings.
      customMaskFrom: restoredCustomMaskFrom(config),
      // Read from a file the user has: saved. Brought back from this browser's storage: not in a file yet.
      savedHistory: from === 'file' ? { losses: run.losses, metrics: run.metrics } : null,
      pytorchReturn: pytorchReturnOf(run, name),
    }),
    ...(set ? { tokens: { numTokens: set.numTokens, channels: set.channels, tokenWeights: set.tokenWeights }, masksTrained: true } : {}),
    ...(set || (demo && run.tokens) ? { ownTokens: true } : {}),
  });
  if (demo || set) {
    store().clearSnapshots();
    if (snapshot) store().snapshotReceived(snapshot);
  }
  store().pushMessage(`Restored the run from ${name}${run.createdAt ? ` (saved ${run.createdAt})` : ''}: ${demo ? `the ${config.task} demo, ` : ''}settings, ${run.tokens ? 'tokens, ' : ''}and history.`, 'info');
  pushClampedNotice(run, name);
  return true;
}

/** Routes a dropped or chosen file by its name: a run file (.json) or tokens (.safetensors). */
export async function openFile(file: PickedFile): Promise<void> {
  if (/\.safetensors$/i.test(file.name)) return importTokensFile(file);
  if (/\.json$/i.test(file.name)) return openRunFile(file);
  store().pushMessage(`${file.name} is neither a run file (.json from “Export run”) nor tokens (.safetensors): nothing was opened.`, 'warn');
}
