import { useMemo } from 'react';
import { useAppStore } from '../state/store';
import { chartLines, customMaskMarkers, handoverMarkers } from './chartData';
import { LineChartView } from './LineChartView';

/** Validation metric of stage 2, one curve per method. */
export function MetricChart() {
  const metrics = useAppStore((s) => s.metrics);
  const customMaskFrom = useAppStore((s) => s.customMaskFrom);
  const handoverStep = useAppStore((s) => s.pytorchReturn?.handover?.step ?? null);
  const series = useMemo(() => Object.values(metrics), [metrics]);
  const name = series[0]?.term ?? 'metric';
  // Metrics are sparse and bounded in [0,1]: no smoothing or log scale.
  const lines = useMemo(
    () => chartLines(series, name, { logScale: false, smoothing: 0 }).map((l) => ({ ...l, label: series.length > 1 ? l.label : `${name}` })),
    [series, name],
  );
  const markers = useMemo(() => [...customMaskMarkers(series, customMaskFrom), ...handoverMarkers(series, handoverStep)], [series, customMaskFrom, handoverStep]);
  return <LineChartView lines={lines} logScale={false} testId="metric-chart" label={`Validation ${name}`} yLabel={name} height={180} markers={markers} />;
}
