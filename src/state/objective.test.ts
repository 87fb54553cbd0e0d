import { beforeEach, expect, it } from 'vitest';
import { maskConfig } from './actions';
import { labelFreeReason } from './objective';
import { useAppStore } from './store';
import type { DatasetSummary } from '../engine/datasets';
import type { ModelCard } from '../engine/models';
import type { RunProgress } from '../engine/progress';
import type { ModelsLoaded } from '../engine/userModels';

const initial = useAppStore.getState();
beforeEach(() => useAppStore.setState(initial, true));

const card = (role: 'teacher' | 'student', source: string): ModelCard => ({
  role,
  source,
  params: 1,
  flops: 1,
  tapLayer: 'feat',
  featureShape: [8, 8, 24],
  inputShape: [32, 32, 3],
});

function loaded(labelFree: string | null): ModelsLoaded {
  const info = { role: 'teacher' as const, label: 'seg.json', format: 'graph-model' as const, layers: [], tap: 'feat', tapWhy: 'suggested' };
  return { teacher: card('teacher', 'seg.json · sha256:ab'), student: card('student', 'fresh:mimic-student'), tokens: null, user: { teacher: info, student: null }, inputSize: 32, align: '', warnings: [], labelFree };
}

it('a loaded teacher that no labels fit makes stage 1 label-free whatever was chosen; another teacher card ends it', () => {
  const s = useAppStore.getState();
  expect(maskConfig().objective).toBe('task');
  const r = loaded('its output [N,32,32,1] does not match the labels');
  s.demoLoaded({ teacher: r.teacher, student: r.student, tokens: null, warnings: [], snapshot: null });
  s.byoLoaded(r);
  expect(labelFreeReason(useAppStore.getState())).toMatch(/does not match/);
  expect(maskConfig().objective).toBe('teacher');
  // The demo reloads: its card replaces the user's teacher, and the choice applies again.
  s.demoLoaded({ teacher: card('teacher', 'builtin:segmentation-teacher'), student: card('student', 'fresh:x'), tokens: null, warnings: [], snapshot: null });
  expect(maskConfig().objective).toBe('task');
  s.setMaskObjective('teacher');
  expect(maskConfig().objective).toBe('teacher');
});

it('an images-only dataset with its teacher is label-free', () => {
  const dataset = { labelled: false } as DatasetSummary;
  useAppStore.setState({ dataMode: 'custom', dataset, customTeacher: true });
  expect(labelFreeReason(useAppStore.getState())).toMatch(/images only/);
});

it('progress within a step is shown, never a point of a curve', () => {
  const s = useAppStore.getState();
  s.runStarted('masks', 'masks', [null]);
  const p: RunProgress = { runId: 1, stage: 'masks', step: 1, total: 3, losses: { task: 1, dice: 1, total: 2 }, msPerStep: 10, etaMs: 20, numTensors: 5 };
  s.progressReceived(p);
  const before = JSON.stringify(useAppStore.getState().losses);
  s.progressReceived({ ...p, within: { done: 1, of: 2, what: 'teacher' } });
  expect(useAppStore.getState().progress?.within).toEqual({ done: 1, of: 2, what: 'teacher' });
  expect(JSON.stringify(useAppStore.getState().losses)).toBe(before);
});
