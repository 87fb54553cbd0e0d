// The way back from PyTorch (issue 27): a formatVersion 2 run file that a run bundle's train.py
// wrote is opened like any run file (./exportActions.ts openRunFile → restoreRun), and when it
// carries a checkpoint that checkpoint becomes the session's stage-2 state: the engine checks it
// against the demo's student, or the user's own loaded models and dataset it was exported from, and
// installs it (installCheckpoint) before the page changes, so a refusal leaves everything as it was. Then "Distill further" continues it (distillFurther) and
// the exports (TF.js, ONNX, Continue in PyTorch) export its student.
import { customMaskStart, METHODS, type MaskdParams } from '../maskd/methodInfo';
import type { Checkpoint, CheckpointInstalled } from '../engine/checkpoint';
import type { ParsedRunFile } from '../share/runFile';
import { currentEngine } from './actions';
import { pushClampedNotice, restoredRunFields, showRestoredDemo } from './restoredRun';
import type { PytorchReturn } from './runSlice';
import { store, useAppStore, type AppState } from './store';
import { errorText } from '../errorText';

/** What the page keeps of a version 2 run file (no weights), or null for a version 1 file. */
export function pytorchReturnOf(run: ParsedRunFile, file: string): PytorchReturn | null {
  if (!run.handover && !run.result && !run.checkpoint) return null;
  const c = run.checkpoint;
  return {
    file,
    handover: run.handover ?? null,
    pytorchTo: c?.step ?? run.result?.step ?? null,
    result: run.result ?? null,
    installed: c && c.kind === 'distill' ? { step: c.step, total: c.total, method: c.config.method } : null,
  };
}

/** Where the installed MasKD run switched its custom mask on (1-based, as the charts count), by the checkpoint's own settings. */
function customMaskFrom(c: Checkpoint): number | null {
  if (c.kind !== 'distill' || c.config.method !== 'maskd') return null;
  const start = customMaskStart(c.config.params as unknown as MaskdParams, c.config.steps);
  return start === null ? null : start + 1;
}

/**
 * Restores a run file whose checkpoint came from PyTorch, all or nothing: the engine installs the
 * checkpoint first (loading its demo when another is loaded, its tokens in place of the session's),
 * and only then does the page take the file's Setup, tokens, curves and hand-over in one step.
 */
export async function restorePytorchRun(run: ParsedRunFile & { checkpoint: Checkpoint }, name: string): Promise<boolean> {
  const { config, checkpoint } = run;
  let installed: CheckpointInstalled;
  try {
    installed = await currentEngine().installCheckpoint(checkpoint);
  } catch (err) {
    store().pushMessage(`Could not open ${name}: ${errorText(err)}. Nothing was changed: the task, settings, tokens, student and history in use are the ones from before.`, 'error');
    return false;
  }
  const { loaded, tokens } = installed;
  showRestoredDemo(config.task, loaded);
  const info = pytorchReturnOf(run, name)!;
  const c = installed.info;
  useAppStore.setState({
    ...restoredRunFields(run, {
      // Distill further runs to the Setup's steps: at least the checkpoint's own total.
      distill: { ...config.distill, steps: Math.max(config.distill.steps, c.total) },
      customMaskFrom: customMaskFrom(checkpoint),
      savedHistory: { losses: run.losses, metrics: run.metrics },
      pytorchReturn: info,
    }),
    ...(tokens ? { tokens: { numTokens: tokens.numTokens, channels: tokens.channels, tokenWeights: tokens.tokenWeights }, masksTrained: true } : {}),
    ...(checkpoint.tokens ? { ownTokens: true } : {}),
  });
  const snapshot = loaded?.snapshot ?? tokens?.snapshot ?? null;
  if (snapshot) {
    store().clearSnapshots();
    store().snapshotReceived(snapshot);
  }
  const h = run.handover;
  store().pushMessage(
    `Restored the run from ${name}${run.createdAt ? ` (saved ${run.createdAt})` : ''}: ${loaded ? `the ${config.task} demo, ` : ''}settings, ${checkpoint.tokens ? 'tokens, ' : ''}history${h ? ` (browser to step ${h.step}, PyTorch to step ${c.step})` : ''} and the student at step ${c.step} (${METHODS[info.installed!.method].label}). Distill further continues it; the exports export it.`,
    'info',
  );
  pushClampedNotice(run, name);
  return true;
}

/** Why "Distill further" cannot run now, or null when it can. */
export function distillFurtherUnavailable(s: Pick<AppState, 'pytorchReturn' | 'distill' | 'runPhase' | 'demoPhase' | 'backendPhase'>): string | null {
  const at = s.pytorchReturn?.installed;
  if (!at) return 'Open a run file with a checkpoint (from train.py) first';
  if (s.runPhase !== 'idle') return 'A run is in progress';
  if (s.demoPhase !== 'ready' || s.backendPhase !== 'ready') return 'The models are loading';
  if (s.distill.steps <= at.step) return `Set Distill steps above ${at.step} (the step the student is at) to distill further`;
  return null;
}

/** Continues the installed checkpoint to the Setup's Distill steps; the curves go on from PyTorch's last step. */
export async function distillFurther(): Promise<void> {
  const s = store();
  const why = distillFurtherUnavailable(s);
  if (why) {
    s.pushMessage(`Cannot distill further: ${why}.`, 'warn');
    return;
  }
  const steps = s.distill.steps;
  store().resumeOfferClosed();
  // The curves stay (browser, then PyTorch): the new steps are appended to them.
  useAppStore.setState({ runPhase: 'running', runKind: 'distill', progress: null, pauseReason: null });
  try {
    const r = await currentEngine().distillFurther(steps, { onProgress: store().progressReceived, onSnapshot: store().snapshotReceived });
    const now = store().pytorchReturn;
    if (now?.installed) useAppStore.setState({ pytorchReturn: { ...now, installed: { ...now.installed, step: r.step, total: steps } } });
  } catch (err) {
    store().pushMessage(errorText(err), 'error');
  } finally {
    store().runEnded();
  }
}
