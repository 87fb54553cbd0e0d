import { distillFurther, distillFurtherUnavailable } from '../state/pytorchReturn';
import { useAppStore } from '../state/store';
import { formatReadable, fullPrecision } from './format';

const SPLIT_LABEL = { test: 'test', val: 'validation' } as const;

/**
 * A run that went on in PyTorch and came back in a run file (train.py's): where it changed hands
 * (the stage-2 charts mark the step), its final score labelled as PyTorch's, and Distill further
 * from the student it brought back.
 */
export function PytorchRunView() {
  const r = useAppStore((s) => s.pytorchReturn);
  const why = useAppStore(distillFurtherUnavailable);
  const steps = useAppStore((s) => s.distill.steps);
  if (!r) return null;
  const h = r.handover;
  const res = r.result;
  return (
    <section className="pytorch-run" aria-labelledby="pytorch-run-title" data-testid="pytorch-run">
      <h3 id="pytorch-run-title">Continued in PyTorch</h3>
      {h && (
        <p data-testid="pytorch-handover" data-step={h.step} data-to={r.pytorchTo ?? ''}>
          Steps 1–{h.step} ran in the browser{r.pytorchTo !== null ? `, steps ${h.step + 1}–${r.pytorchTo} in PyTorch` : ', the rest in PyTorch'} (torch {h.torch},{' '}
          {h.processes} {h.processes === 1 ? 'process' : 'processes'} on {h.device === 'cuda' ? 'GPU' : 'CPU'}). The dashed line “PyTorch from step {h.step + 1}” on the
          stage-2 charts marks where it changed hands.
        </p>
      )}
      {res ? (
        <p data-testid="pytorch-result" data-metric={res.metric} data-value={res.value} data-step={res.step} data-split={res.split}>
          From PyTorch (train.py): {SPLIT_LABEL[res.split]} {res.metric} of the final student at step {res.step},{' '}
          <strong title={fullPrecision(res.value)}>{formatReadable(res.value, 3)}</strong> on {res.scenes} {SPLIT_LABEL[res.split]} scenes.
        </p>
      ) : (
        <p data-testid="pytorch-result" className="muted">PyTorch did not score the final student (train.py ran with --no-test).</p>
      )}
      {r.installed && (
        <p>
          The student at step {r.installed.step} is the session’s: the exports write it, and Distill further continues it to step {steps} (Distill
          steps in Setup).{' '}
          <button type="button" data-testid="pytorch-distill-further" disabled={why !== null} title={why ?? `Continue from step ${r.installed.step} to step ${steps}`}
            onClick={() => void distillFurther()}>
            Distill further
          </button>
        </p>
      )}
    </section>
  );
}
