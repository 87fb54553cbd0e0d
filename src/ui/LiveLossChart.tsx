import { useMemo } from 'react';
import { useAppStore } from '../state/store';
import { customMaskMarkers, LINE_COLOURS } from './chartData';
import { seriesOfStage } from '../share/series';
import { formatReadable, fullPrecision } from './format';
import { comparisonLayout, liveGeometry, liveLines } from './liveChart';

const W = 300;
const H = 56;
const STAGE: Record<string, string> = { teacher: 'teacher training', masks: 'stage 1', distill: 'stage 2' };

/**
 * The loss of the current (or last) run, small, in the run bar: visible with the gallery while a
 * run is live. The full charts, with every term, stay under the gallery.
 */
export function LiveLossChart() {
  const stage = useAppStore((s) => s.progress?.stage ?? null);
  const method = useAppStore((s) => s.progress?.method ?? null);
  const losses = useAppStore((s) => s.losses);
  const logScale = useAppStore((s) => s.logScale);
  const smoothing = useAppStore((s) => s.smoothing);
  const customMaskFrom = useAppStore((s) => s.customMaskFrom);
  // A comparison's methods run one after another: its curve is drawn on the comparison's steps.
  const stepsPerRun = useAppStore((s) => s.progress?.compare?.stepsPerRun ?? null);
  const compared = useAppStore((s) => s.comparedMethods);
  const perRun = useMemo(() => (stage ? liveLines(losses, stage, { logScale, smoothing }) : []), [losses, stage, logScale, smoothing]);
  const laid = useMemo(
    () => (stage === 'distill' && stepsPerRun !== null && compared ? comparisonLayout(perRun, compared, stepsPerRun, customMaskFrom) : null),
    [perRun, stage, stepsPerRun, compared, customMaskFrom],
  );
  const lines = laid?.lines ?? perRun;
  const markers = useMemo(
    () => laid?.customMask ?? (stage === 'distill' ? customMaskMarkers(seriesOfStage(losses, 'distill'), customMaskFrom) : []),
    [laid, losses, stage, customMaskFrom],
  );
  const geo = useMemo(() => liveGeometry(lines, W, H, logScale, markers), [lines, logScale, markers]);
  const starts = useMemo(() => (laid && geo ? (liveGeometry(lines, W, H, logScale, laid.starts)?.markers ?? []) : []), [laid, geo, lines, logScale]);
  const points = lines.reduce((n, l) => n + l.points.length, 0);
  const current = lines.find((l) => l.id.includes(`:${method ?? '-'}:`)) ?? lines[lines.length - 1];
  const last = current?.points[current.points.length - 1];
  const stepWord = laid ? 'comparison step' : 'step';
  const multi = lines.length > 1;
  return (
    <figure className="live-chart" data-testid="live-loss-chart" data-points={points} data-lines={lines.length} data-stage={stage ?? ''}
      data-axis={laid ? 'comparison' : 'run'}
      aria-label="Loss of the current run">
      <figcaption>
        <span className="live-title">Live loss{stage ? ` · ${STAGE[stage] ?? stage}` : ''}</span>
        {last && (
          <span className="live-now" data-testid="live-loss-now" title={`step ${last.x}: ${fullPrecision(last.y)}${smoothing > 0 ? ' (smoothed)' : ''}`}>
            {' '}
            {formatReadable(last.y)} at {stepWord} {last.x}
          </span>
        )}
      </figcaption>
      {geo ? (
        <div className="live-plot">
          <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" width="100%" height={H}
            aria-label={`${current?.label ?? 'loss'} from ${formatReadable(geo.yMax)} to ${formatReadable(geo.yMin)} (range) over steps ${geo.xMin}–${geo.xMax}`}>
            {starts.map((m) => (
              <line key={`start-${m.step}`} x1={m.x} x2={m.x} y1={0} y2={H} stroke="#999" strokeWidth={1} vectorEffect="non-scaling-stroke"
                data-testid="live-method-start" data-step={m.step}>
                <title>{m.label}</title>
              </line>
            ))}
            {geo.markers.map((m) => (
              <line key={`marker-${m.step}`} x1={m.x} x2={m.x} y1={0} y2={H} stroke="#555" strokeDasharray="3 2" strokeWidth={1} vectorEffect="non-scaling-stroke"
                data-testid="live-marker" data-step={laid && customMaskFrom !== null ? customMaskFrom : m.step}>
                <title>{m.label}</title>
              </line>
            ))}
            {geo.paths.map((d, i) => (
              <path key={lines[i].id} d={d} fill="none" stroke={LINE_COLOURS[i % LINE_COLOURS.length]} strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
            ))}
          </svg>
          {starts.map((m) => (
            <span key={`start-label-${m.step}`} className="live-marker-label" data-testid="live-method-start-label" style={{ left: `${(m.x / W) * 100}%` }} title={m.label}>
              {laid?.starts.find((s) => s.x === m.step)?.text}
            </span>
          ))}
          {geo.markers.map((m) => (
            <span key={`marker-label-${m.step}`} className="live-marker-label" style={{ left: `${(m.x / W) * 100}%`, ...(laid ? { top: 'auto', bottom: 1 } : {}) }} title={m.label}>
              custom mask
            </span>
          ))}
          <span className="live-axis live-ymax" title={fullPrecision(geo.yMax)}>{formatReadable(geo.yMax)}</span>
          <span className="live-axis live-ymin" title={fullPrecision(geo.yMin)}>{formatReadable(geo.yMin)}</span>
          {logScale && <span className="live-axis live-log">log</span>}
        </div>
      ) : (
        <p className="muted live-empty">{stage ? 'Waiting for the first step…' : 'The loss of a run appears here as it trains.'}</p>
      )}
      {multi && (
        <ul className="live-legend" aria-label="Methods">
          {lines.map((l, i) => (
            <li key={l.id}>
              <span className="live-swatch" style={{ background: LINE_COLOURS[i % LINE_COLOURS.length] }} aria-hidden="true" />
              {l.label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
