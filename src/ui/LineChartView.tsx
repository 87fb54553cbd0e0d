import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { drawnPoints, LINE_COLOURS, type ChartLine, type ChartMarker } from './chartData';
import { formatNumber, fullPrecision } from './format';

// Colour-blind-safe palette (Okabe–Ito); dashes keep lines apart without colour.
const COLOURS = LINE_COLOURS;
const DASHES = [undefined, '6 3', '2 2', '8 3 2 3', '4 4', '1 3'];

export interface LineChartViewProps {
  lines: readonly ChartLine[];
  logScale: boolean;
  testId: string;
  label: string;
  yLabel: string;
  height?: number;
  /** Labelled vertical lines (e.g. where MasKD's custom mask switched on). */
  markers?: readonly ChartMarker[];
}

/**
 * The chart stays mounted from page load, empty until data comes: recharts' first mount of a
 * chart (≈100 ms of main-thread CPU on the software-adapter test machine) then happens at load,
 * not as one long task when a run's first loss arrives. Memoised: it re-renders only for new lines.
 */
export const LineChartView = memo(function LineChartView({ lines, logScale, testId, label, yLabel, height = 220, markers = [] }: LineChartViewProps) {
  const points = drawnPoints(lines);
  return (
    <figure className="chart" data-testid={testId} data-points={points} data-lines={lines.length} data-markers={markers.map((m) => m.x).join(' ')} aria-label={label}>
      <figcaption>{label}</figcaption>
      {points === 0 && <p className="muted chart-empty">No data yet.</p>}
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 320, height }}>
        {/* recharts' keyboard layer makes the chart a Tab stop (arrow keys move the tooltip): name it, give it a test id. */}
        <LineChart margin={{ top: 4, right: 12, bottom: 4, left: 0 }} title={`${label} (arrow keys read the values)`} data-testid={`${testId}-surface`}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDuplicatedCategory={false} tickCount={6} label={{ value: 'step', position: 'insideBottomRight', offset: -2 }} />
          <YAxis scale={logScale ? 'log' : 'auto'} domain={logScale ? ['dataMin', 'dataMax'] : ['auto', 'auto']} allowDataOverflow
            tickFormatter={(v: number) => formatNumber(v)} width={64} label={{ value: yLabel, angle: -90, position: 'insideLeft' }} />
          {/* Axis ticks short; the tooltip gives the value in full. */}
          <Tooltip formatter={(v) => fullPrecision(typeof v === 'number' ? v : Number(v))} labelFormatter={(x) => `step ${String(x)}`} />
          <Legend />
          {points > 0 &&
            markers.map((m) => (
              <ReferenceLine key={`marker-${m.x}`} x={m.x} stroke="#555" strokeDasharray="4 3" ifOverflow="discard"
                label={{ value: m.label, position: 'insideTopLeft', fontSize: 11, fill: '#333' }} />
            ))}
          {lines.map((l, i) => (
            <Line key={l.id} data={l.points as ChartLine['points'][number][]} dataKey="y" name={l.label} dot={false} isAnimationActive={false}
              stroke={COLOURS[i % COLOURS.length]} strokeDasharray={DASHES[i % DASHES.length]} strokeWidth={1.5} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
});
