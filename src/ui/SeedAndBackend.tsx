import { newSeed, switchBackend } from '../state/actions';
import { useAppStore } from '../state/store';
import type { BackendName } from '../train/backend';
import { NumberField } from './NumberField';

export function SeedAndBackend() {
  const seed = useAppStore((s) => s.seed);
  const setSeed = useAppStore((s) => s.setSeed);
  const choice = useAppStore((s) => s.backendChoice);
  const status = useAppStore((s) => s.backendStatus);
  const busy = useAppStore((s) => s.runPhase !== 'idle');
  const loading = useAppStore((s) => s.demoPhase === 'loading' || s.backendPhase === 'starting');
  const adapter = status?.adapter
    ? [status.adapter.vendor, status.adapter.architecture, status.adapter.description].filter(Boolean).join(' · ')
    : status
      ? 'no GPU adapter'
      : 'starting…';
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
        <select id="backend-select" data-testid="backend-select" value={choice} aria-describedby="backend-adapter" disabled={loading}
          onChange={(e) => void switchBackend(e.target.value as BackendName)}>
          <option value="webgpu">WebGPU (fused MasKD kernels)</option>
          <option value="webgl">WebGL</option>
          <option value="cpu">CPU (slow)</option>
        </select>
        <span className="field-help" id="backend-adapter" data-testid="backend-adapter">
          Active: {status?.backend ?? '—'} · {adapter}. Switching restarts the engine and reloads the models.
        </span>
      </div>
    </fieldset>
  );
}
