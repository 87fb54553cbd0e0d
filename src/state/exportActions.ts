// Exports (tokens as safetensors + sidecar, student as a tfjs zip, gallery PNG, history CSV/JSON,
// whole run) and the imports that come back (tokens .safetensors, run file). The browser parts
// (saving a file, drawing the PNG) come in through `ExportEnv`, so Node tests can check the bytes.
import { buildTokenExport } from '../share/tokenExport';
import { fileNames } from '../share/fileNames';
import { historyToCsv, historyToJson } from '../share/history';
import { buildRunFile, parseRunFile, type RunConfig } from '../share/runFile';
import { studentZip } from '../share/tfjsExport';
import { importTokens } from '../share/tokenImport';
import type { MaskSnapshot } from '../engine/types';
import { currentEngine, loadDemo } from './actions';
import { store, useAppStore } from './store';
import { applyTokens, readyForTokens } from './tokenActions';
import { shownSnapshot } from './vizSlice';
import { errorText } from '../errorText';

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
      hyperParameters: { maskLr: s.mask.lr, maskSteps: s.mask.steps, diceWeight: s.mask.diceWeight, batchSize: s.mask.batchSize },
    },
    provenance: { app: APP_NAME, appVersion: APP_VERSION, createdAt: requireEnv().now().toISOString(), seed: s.seed, backend: s.backendStatus?.backend ?? 'unknown' },
  });
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

/** Reads a .safetensors MaskModule state dict into the engine (checked against the teacher). */
export async function importTokensFile(bytes: Uint8Array, name: string): Promise<void> {
  if (!readyForTokens('import tokens')) return;
  const teacher = store().teacher;
  try {
    const imported = importTokens(bytes, { channels: teacher?.featureShape[2] });
    const r = await applyTokens(imported.tokens, imported.branch);
    store().setMask({ numTokens: r.numTokens, tokenWeights: r.tokenWeights });
    store().pushMessage(`Imported ${r.numTokens} tokens (C = ${r.channels}${r.tokenWeights ? ', with the token-weight branch' : ''}) from ${name}.`, 'info');
  } catch (err) {
    store().pushMessage(`Could not import ${name}: ${errorText(err)}`, 'error');
  }
}

export function exportStudentModel(): Promise<void> {
  return exporting('Export student', async () => {
    const exp = await currentEngine().exportStudent();
    requireEnv().save(fileNames.studentZip(exp.task), studentZip(exp, `${APP_NAME} ${APP_VERSION}`), 'application/zip');
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

export function exportRun(): Promise<void> {
  return exporting('Export run', async () => {
    const s = store();
    // A teacher without tokens is still a run worth saving: its config and history.
    const tokens = s.tokens !== null || s.masksTrained ? await currentEngine().exportTokens() : null;
    const text = buildRunFile(
      { config: runConfig(), tokens: tokens ? { tokens: tokens.tokens, ...(tokens.branch ? { branch: tokens.branch } : {}) } : null, losses: s.losses, metrics: s.metrics },
      requireEnv().now().toISOString(),
      `${APP_NAME} ${APP_VERSION}`,
    );
    requireEnv().save(fileNames.run(s.task, s.seed), text, 'application/json');
  });
}

/** Restores a run file: config into Setup, tokens into the engine, history into the charts. */
export async function openRunFile(text: string, name: string): Promise<void> {
  if (!readyForTokens('open a run')) return;
  let run: ReturnType<typeof parseRunFile>;
  try {
    run = parseRunFile(text);
  } catch (err) {
    store().pushMessage(`Could not open ${name}: ${errorText(err)}`, 'error');
    return;
  }
  const { config } = run;
  if (config.task !== store().task) {
    store().setTask(config.task);
    await loadDemo(config.task);
    if (store().demoPhase !== 'ready') return;
  }
  useAppStore.setState({ seed: config.seed, mask: config.mask, distill: config.distill, compareMethods: config.compareMethods });
  useAppStore.setState({ losses: run.losses, metrics: run.metrics, compareRows: [], comparedMethods: null, progress: null });
  try {
    if (run.tokens) await applyTokens(run.tokens.tokens, run.tokens.branch);
  } catch (err) {
    store().pushMessage(`${name}: the settings and history are restored, but its tokens are not: ${errorText(err)}`, 'error');
    return;
  }
  store().pushMessage(`Restored the run from ${name}${run.createdAt ? ` (saved ${run.createdAt})` : ''}: settings, ${run.tokens ? 'tokens, ' : ''}and history.`, 'info');
}

/** Routes a dropped or chosen file by its content: a run file (JSON) or tokens (.safetensors). */
export async function openFile(file: { name: string; bytes: Uint8Array }): Promise<void> {
  const { name, bytes } = file;
  if (/\.safetensors$/i.test(name)) return importTokensFile(bytes, name);
  if (/\.json$/i.test(name)) return openRunFile(new TextDecoder().decode(bytes), name);
  store().pushMessage(`${name} is neither a run file (.json from “Export run”) nor tokens (.safetensors): nothing was opened.`, 'warn');
}
