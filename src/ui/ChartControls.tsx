import { useAppStore } from '../state/store';

export function ChartControls() {
  const logScale = useAppStore((s) => s.logScale);
  const setLogScale = useAppStore((s) => s.setLogScale);
  const smoothing = useAppStore((s) => s.smoothing);
  const setSmoothing = useAppStore((s) => s.setSmoothing);
  return (
    <div className="chart-controls">
      <label htmlFor="chart-log">
        <input id="chart-log" data-testid="chart-log" type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} /> Log scale
      </label>
      <div className="field field-inline">
        <label htmlFor="chart-smoothing">Smoothing {smoothing.toFixed(2)}</label>
        <input id="chart-smoothing" data-testid="chart-smoothing" type="range" min={0} max={0.99} step={0.01} value={smoothing}
          onChange={(e) => setSmoothing(Number(e.target.value))} />
      </div>
    </div>
  );
}
