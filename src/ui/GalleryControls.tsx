import { anyStudentMasks } from '../state/snapshotFields';
import { useAppStore } from '../state/store';
import { CheckField } from './CheckField';
import type { ColormapName } from '../viz/colormap';

export function GalleryControls() {
  const opacity = useAppStore((s) => s.opacity);
  const setOpacity = useAppStore((s) => s.setOpacity);
  const colormap = useAppStore((s) => s.colormap);
  const setColormap = useAppStore((s) => s.setColormap);
  const count = useAppStore((s) => s.snapshots.length);
  const index = useAppStore((s) => s.timelineIndex);
  const setIndex = useAppStore((s) => s.setTimelineIndex);
  const shownStep = useAppStore((s) => s.snapshots[s.timelineIndex ?? s.snapshots.length - 1]?.step ?? 0);
  const showStudent = useAppStore((s) => s.showStudent);
  const setShowStudent = useAppStore((s) => s.setShowStudent);
  const showTruth = useAppStore((s) => s.showTruth);
  const setShowTruth = useAppStore((s) => s.setShowTruth);
  const haveStudent = useAppStore((s) => anyStudentMasks(s.snapshots));
  const at = index ?? Math.max(0, count - 1);
  return (
    <div className="gallery-controls">
      <div className="field field-inline">
        <label htmlFor="gallery-opacity">Opacity {Math.round(opacity * 100)} %</label>
        <input id="gallery-opacity" data-testid="gallery-opacity" type="range" min={0} max={1} step={0.05} value={opacity}
          onChange={(e) => setOpacity(Number(e.target.value))} />
      </div>
      <div className="field field-inline">
        <label htmlFor="gallery-colormap">Colour map</label>
        <select id="gallery-colormap" data-testid="gallery-colormap" value={colormap} onChange={(e) => setColormap(e.target.value as ColormapName)}>
          <option value="viridis">viridis</option>
          <option value="magma">magma</option>
        </select>
      </div>
      <div className="field field-inline timeline">
        <label htmlFor="gallery-timeline">
          Replay: step {shownStep} ({count ? at + 1 : 0}/{count}){index === null ? ' · live' : ''}
        </label>
        <input id="gallery-timeline" data-testid="gallery-timeline" type="range" min={0} max={Math.max(0, count - 1)} step={1} value={at}
          disabled={count < 2} onChange={(e) => setIndex(Number(e.target.value))} />
        <button type="button" data-testid="gallery-live" disabled={index === null} onClick={() => setIndex(null)}>
          Follow live
        </button>
      </div>
      <div className="check-row">
        <CheckField id="gallery-show-student" label="Student masks" checked={showStudent} onChange={setShowStudent}
          help={haveStudent ? undefined : 'Appear once Distill or Compare runs MasKD.'} />
        <CheckField id="gallery-show-truth" label="Ground truth" checked={showTruth} onChange={setShowTruth} />
      </div>
    </div>
  );
}
