// A run file as a bundle's train.py writes it (formatVersion 2, docs/pytorch.md "The way back"),
// built from a page's own run file after a 2-step Distill of MasKD and that run's checkpoint in
// checkpointToJson's form: browser steps 1–2, then hand-made PyTorch steps 3–4 of 6 (losses 1.5/k,
// validation mIoU 0.25 at step 4), the hand-over at step 2, PyTorch's test mIoU 0.3125, and the
// student's first weight changed (x·0.5 + 0.125) so the installed student can be told apart.
// The state test (pytorchReturn.test.ts) and the e2e spec (e2e/pytorchReturn.spec.ts) share it.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The PyTorch steps the file adds after the browser's two. */
export const PYTORCH_STEPS = [3, 4].map((step) => ({
  step,
  losses: { task: 1 / step, distill: 0.5 / step, total: 1.5 / step },
  ...(step === 4 ? { metric: { name: 'mIoU', value: 0.25 } } : {}),
}));

/** `runText`: the page's run file (Export run); `checkpoint`: its stage-2 checkpoint at step 2, arrays as number lists; `edit` changes the file's checkpoint. */
export function pytorchRunFile(runText: string, checkpoint: Json, edit: (c: Json) => void = () => {}): string {
  const f = JSON.parse(runText) as Json;
  f.formatVersion = 2;
  f.app = 'maskd-playground train.py';
  f.handover = { step: 2, engine: 'pytorch', processes: 2, device: 'cpu', torch: '1.13.1' };
  f.result = { split: 'test', metric: 'mIoU', value: 0.3125, step: 4, scenes: 128 };
  for (const series of f.history.losses as Json[]) {
    if (series.stage === 'distill' && series.method === 'maskd') for (const e of PYTORCH_STEPS) series.points.push([e.step, e.losses[series.term as 'task']]);
  }
  for (const series of f.history.metrics as Json[]) if (series.stage === 'distill') series.points.push([4, 0.25]);
  const c = structuredClone(checkpoint);
  Object.assign(c, { step: 4, total: 6, reason: 'export', backend: 'pytorch', savedAt: 1_765_000_000_000 });
  c.config.steps = 6;
  c.history.push(...PYTORCH_STEPS);
  c.student[0].data = c.student[0].data.map((x: number) => x * 0.5 + 0.125);
  edit(c);
  f.checkpoint = c;
  return JSON.stringify(f);
}
