import { useMemo, useState } from 'react';
import { seriesOfStage } from '../share/series';
import { useAppStore } from '../state/store';
import type { Stage } from '../engine/progress';
import { chartLines, customMaskMarkers, handoverMarkers, methodsOf, termsOf } from './chartData';
import { LineChartView } from './LineChartView';

const TITLE: Record<Stage, string> = { teacher: 'Teacher loss', masks: 'Stage 1 loss (task + Dice)', distill: 'Stage 2 loss (task + λ·distill)' };

/** Loss curves of one stage: every term, or in compare mode one curve per method for one term. */
export function LossChart({ stage }: { stage: Stage }) {
  const losses = useAppStore((s) => s.losses);
  const logScale = useAppStore((s) => s.logScale);
  const smoothing = useAppStore((s) => s.smoothing);
  const customMaskFrom = useAppStore((s) => s.customMaskFrom);
  const handoverStep = useAppStore((s) => s.pytorchReturn?.handover?.step ?? null);
  const [term, setTerm] = useState('total');
  const series = useMemo(() => seriesOfStage(losses, stage), [losses, stage]);
  const multi = methodsOf(series).length > 1;
  const terms = termsOf(series);
  const lines = useMemo(() => chartLines(series, term, { logScale, smoothing }), [series, term, logScale, smoothing]);
  const markers = useMemo(() => [...customMaskMarkers(series, customMaskFrom), ...handoverMarkers(series, handoverStep)], [series, customMaskFrom, handoverStep]);
  const id = `chart-term-${stage}`;
  return (
    <div className="chart-block">
      {multi && (
        <div className="field field-inline">
          <label htmlFor={id}>Loss term</label>
          <select id={id} data-testid={id} value={term} onChange={(e) => setTerm(e.target.value)}>
            {terms.map((t) => (
              <option key={t} value={t}>{t}</option>
            ))}
          </select>
        </div>
      )}
      <LineChartView lines={lines} logScale={logScale} testId={`loss-chart-${stage}`} label={TITLE[stage]} yLabel="loss" markers={markers} />
    </div>
  );
}
