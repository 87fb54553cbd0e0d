import { pickerLabel } from '../backends/calibration/describe';
import { BACKEND_NAMES, BACKEND_TITLES, isBackendChoice } from '../backends/types';
import { newSeed, remeasureBackends, switchBackend } from '../state/actions';
import { useAppStore } from '../state/store';
import { backendDetail } from '../backends/labels';
import { NumberField } from './NumberField';

export function SeedAndBackend() {
  const seed = useAppStore((s) => s.seed);
  const setSeed = useAppStore((s) => s.setSeed);
  const choice = useAppStore((s) => s.backendChoice);
  const status = useAppStore((s) => s.backendStatus);
  const busy = useAppStore((s) => s.runPhase !== 'idle');
  const loading = useAppStore((s) => s.demoPhase === 'loading' || s.backendPhase === 'starting');
  const calibration = status?.calibration ?? null;
  const detail = status ? backendDetail(status) || 'no GPU adapter' : 'starting…';
  const autoLabel = calibration ? `Auto — fastest here: ${BACKEND_TITLES[calibration.fastest]}` : 'Auto — the fastest, measured here';
  return (
    <fieldset className="settings" disabled={busy}>
      <legend>Seed and backend</legend>
      <div className="seed-row">
        <NumberField id="seed-input" label="Seed" integer min={0} value={seed} onCommit={setSeed}
          help="Token and student init and the data order." />
        <button type="button" data-testid="seed-new" onClick={newSeed} aria-label="New random seed">
          New seed
        </button>
      </div>
      <div className="field">
        <label htmlFor="backend-select">Backend</label>
        <div className="seed-row">
          <select id="backend-select" data-testid="backend-select" value={choice} aria-describedby="backend-adapter" disabled={loading}
            onChange={(e) => isBackendChoice(e.target.value) && void switchBackend(e.target.value)}>
            <option value="auto">{autoLabel}</option>
            {BACKEND_NAMES.map((b) => (
              <option key={b} value={b}>{pickerLabel(b, calibration)}</option>
            ))}
          </select>
          <button type="button" data-testid="backend-remeasure" disabled={loading} onClick={() => void remeasureBackends()}
            title="Time one training step on every backend again (about 10 s) and switch to the fastest">
            Re-measure
          </button>
        </div>
        <span className="field-help" id="backend-adapter" data-testid="backend-adapter">
          Active: {status ? BACKEND_TITLES[status.backend] : '—'} · {detail}
          {calibration ? ` · ms per MasKD step at batch ${calibration.batchSize}, ${calibration.remembered ? `measured ${calibration.measuredAt.slice(0, 10)}` : 'measured now'}` : ''}.
          Switching restarts the engine and reloads the models.
        </span>
      </div>
    </fieldset>
  );
}
