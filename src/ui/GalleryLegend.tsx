import { useMemo } from 'react';
import type { MaskSnapshot } from '../engine/progress';
import { colormap, type ColormapName } from '../viz/colormap';
import { DIGIT_COLOURS, truthKind } from './groundTruth';

const css = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/** What the gallery's colours and rows mean, in words beside the colours. */
export function GalleryLegend({ snapshot, map, showStudent, showTruth }: { snapshot: MaskSnapshot; map: ColormapName; showStudent: boolean; showTruth: boolean }) {
  const gradient = useMemo(() => {
    const stops = Array.from({ length: 11 }, (_, i) => `${css(colormap(map, i / 10))} ${i * 10}%`);
    return `linear-gradient(to right, ${stops.join(', ')})`;
  }, [map]);
  const truth = truthKind(snapshot);
  return (
    <div className="gallery-legend" data-testid="gallery-legend" role="group" aria-label="Legend">
      <div className="legend-row">
        <span className="legend-title">Mask value</span>
        <span className="legend-scale">
          <span aria-hidden="true">0</span>
          <span className="legend-bar" style={{ background: gradient }} aria-hidden="true" />
          <span aria-hidden="true">1</span>
        </span>
        <span className="muted">0: the token ignores the pixel, 1: it attends to it ({map}, dark to bright).</span>
      </div>
      {showStudent && (
        <p className="legend-note muted" data-testid="gallery-legend-student">
          Rows marked <strong>student</strong> show the same tokens on the student’s aligned feature. MasKD’s custom mask multiplies them into the
          teacher’s masks once its warm-up is over
          {snapshot.studentMasks ? (snapshot.customMask ? ' (in use at this step).' : ' (not in use at this step).') : '.'}
        </p>
      )}
      {showTruth && truth && (
        <div className="legend-row" data-testid="gallery-legend-truth">
          <span className="legend-title">Ground truth</span>
          <span className="muted">{truth === 'labels' ? 'each digit’s pixels tinted by class:' : 'each digit’s ink box outlined:'}</span>
          <ul className="digit-swatches" aria-label="Digit colours">
            {DIGIT_COLOURS.map((c, d) => (
              <li key={d}>
                <span className="swatch" style={{ background: css(c) }} aria-hidden="true" />
                {d}
              </li>
            ))}
          </ul>
          <span className="muted">The digits are also named under each tile.</span>
        </div>
      )}
    </div>
  );
}
