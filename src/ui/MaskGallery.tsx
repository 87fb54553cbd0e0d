import { Fragment, useMemo, useState } from 'react';
import { loadDemo } from '../state/actions';
import { tokenStats } from '../state/snapshots';
import { useAppStore } from '../state/store';
import { shownSnapshot } from '../state/vizSlice';
import { formatReadable, fullPrecision } from './format';
import { GalleryControls } from './GalleryControls';
import { GalleryLegend } from './GalleryLegend';
import { describeDigits, digitsIn, truthKind } from './groundTruth';
import { MaskCanvas } from './MaskCanvas';
import { ShareExportPanel } from './ShareExportPanel';
import { TokenReportView } from './TokenReportView';
import { measureTokens } from '../state/tokenReportActions';

const TILE = 72;
const BIG = 176;

export function MaskGallery() {
  const snapshot = useAppStore(shownSnapshot);
  const opacity = useAppStore((s) => s.opacity);
  const colormap = useAppStore((s) => s.colormap);
  const selected = useAppStore((s) => s.selectedToken);
  const selectToken = useAppStore((s) => s.selectToken);
  const trained = useAppStore((s) => s.masksTrained);
  const demoPhase = useAppStore((s) => s.demoPhase);
  const task = useAppStore((s) => s.task);
  const running = useAppStore((s) => s.runPhase !== 'idle');
  const hasTokens = useAppStore((s) => s.tokens !== null || s.masksTrained);
  const sharedView = useAppStore((s) => s.sharedView !== null);
  const [helpOpen, setHelpOpen] = useState(false);
  const measuring = useAppStore((s) => s.tokenReportPhase === 'measuring');
  const training = useAppStore((s) => s.runPhase === 'running' || s.runPhase === 'stopping');
  const stats = useMemo(() => (snapshot ? tokenStats(snapshot) : null), [snapshot]);
  const weights = stats?.weights ?? null;
  const effective = stats?.effective ?? null;
  const previews = snapshot ? Array.from({ length: snapshot.previews }, (_, p) => p) : [];
  const tokens = snapshot ? Array.from({ length: snapshot.numTokens }, (_, t) => t) : [];
  const common = snapshot ? { snapshot, opacity, colormap } : null;
  const showStudent = useAppStore((s) => s.showStudent);
  const showTruth = useAppStore((s) => s.showTruth);
  const student = showStudent && !!snapshot?.studentMasks;
  const truth = showTruth && !!snapshot && truthKind(snapshot) !== null;
  const digits = useMemo(
    () => (snapshot && truth ? Array.from({ length: snapshot.previews }, (_, p) => describeDigits(digitsIn(snapshot, p))) : []),
    [snapshot, truth],
  );

  return (
    <section className="panel gallery" aria-labelledby="gallery-title" data-testid="mask-gallery"
      data-step={snapshot?.step ?? -1} data-tokens={snapshot?.numTokens ?? 0}>
      <div className="gallery-head">
        <h2 id="gallery-title">Receptive-token masks</h2>
        <button type="button" className="link-button" data-testid="gallery-help-toggle" aria-expanded={helpOpen} aria-controls="gallery-help"
          onClick={() => setHelpOpen((o) => !o)}>
          What am I looking at?
        </button>
        <button type="button" className="link-button" data-testid="token-report-measure" disabled={!snapshot || !hasTokens || training || measuring || sharedView}
          onClick={() => void measureTokens()} title="Each token's mean mask on the background and on each digit over the validation scenes (256 at 64×64, fewer for larger inputs), how much the tokens overlap and, with the token-weight branch, their mean weights">
          {measuring ? 'Measuring tokens…' : 'Measure tokens'}
        </button>
        {!sharedView && <ShareExportPanel />}
      </div>
      <p id="gallery-help" className="gallery-help notice notice-info" data-testid="gallery-help" hidden={!helpOpen}>
        <span>
          Each tile is one receptive token’s mask over the scene on its row, coloured from dark (0: the token ignores the pixel) to bright (1:
          the token looks there). The token’s <em>area</em> is its mask’s mean value over the scenes, so 0.82 covers most of a scene and
          &lt;0.001 almost nothing.
        </span>
        <button type="button" data-testid="gallery-help-close" onClick={() => setHelpOpen(false)}>Close</button>
      </p>
      <GalleryControls />
      {!trained && demoPhase === 'ready' && snapshot && (
        <p className="notice notice-info" data-testid="gallery-untrained-note">
          Note: these masks come from untrained tokens (no shipped tokens for this teacher), so they show noise. Press “Learn masks” to train them.
        </p>
      )}
      {!snapshot || !common ? (
        <p className="muted" data-testid="gallery-empty">
          {demoPhase === 'failed' ? (
            <>
              No masks: the demo did not load (see the message above).{' '}
              <button type="button" data-testid="gallery-retry" onClick={() => void loadDemo(task)}>Try again</button>
            </>
          ) : demoPhase === 'ready' && !hasTokens && !running ? (
            <span data-testid="gallery-no-tokens">
              This teacher has no receptive tokens yet, so there are no masks to draw. Press “Learn masks” to learn them (stage 1); the
              masks appear here as they form.
            </span>
          ) : running ? (
            'Waiting for the first mask snapshot of this run…'
          ) : (
            'Loading the demo and drawing its masks…'
          )}
        </p>
      ) : (
        <>
          <GalleryLegend snapshot={snapshot} map={colormap} showStudent={showStudent} showTruth={showTruth} />
          {showStudent && !snapshot.studentMasks && (
            <p className="muted" data-testid="gallery-student-missing">
              This snapshot has no student masks: they are recorded while Distill or Compare runs MasKD (step {snapshot.step} is from{' '}
              {snapshot.stage === 'masks' ? 'mask learning' : 'another method'}).
            </p>
          )}
          <div className="gallery-scroll">
            <table className="gallery-grid">
              <caption className="sr-only">Each row is a preview scene; each column one receptive token’s mask over it. Step {snapshot.step}.</caption>
              <thead>
                <tr>
                  <th scope="col">Scene</th>
                  {truth && <th scope="col" data-testid="gallery-truth-header">Ground truth</th>}
                  {tokens.map((t) => (
                    <th scope="col" key={t}>
                      <button type="button" className="token-btn" data-testid={`gallery-token-${t}`} aria-pressed={selected === t}
                        onClick={() => selectToken(t)} title="Enlarge this token across all scenes">
                        <span className="token-name">Token {t + 1}</span>
                        <span className="token-stat" data-testid={`gallery-token-area-${t}`} title={`mean mask area ${fullPrecision(stats?.areas[t] ?? 0)}`}>
                          area {formatReadable(stats?.areas[t] ?? 0)}
                        </span>
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {previews.map((p) => (
                  <Fragment key={p}>
                    <tr>
                      <th scope="row">
                        {/* The scene's name runs up its left edge (rows stay one tile high); under it with the student rows. */}
                        <div className={student ? undefined : 'scene-head'}>
                          <MaskCanvas {...common} preview={p} token={null} size={TILE} label={`Scene ${p + 1}`} testId={`mask-canvas-${p}-img`} />
                          <span className="row-name">Scene {p + 1}{student ? ' · teacher' : ''}</span>
                        </div>
                      </th>
                      {truth && (
                        <td rowSpan={student ? 2 : 1}>
                          <MaskCanvas {...common} preview={p} token={null} layer="truth" size={TILE} label={`Scene ${p + 1}, ground truth: ${digits[p]}`}
                            testId={`mask-truth-${p}`} />
                          <span className="row-name" data-testid={`mask-truth-digits-${p}`}>{digits[p]}</span>
                        </td>
                      )}
                      {tokens.map((t) => (
                        <td key={t} className={selected === t ? 'selected' : undefined}>
                          <MaskCanvas {...common} preview={p} token={t} size={TILE} label={`Scene ${p + 1}, token ${t + 1}${student ? ', teacher' : ''}`}
                            testId={`mask-canvas-${p}-${t}`} />
                        </td>
                      ))}
                    </tr>
                    {student && (
                      <tr className="student-row" data-testid={`gallery-student-row-${p}`}>
                        <th scope="row">
                          <span className="row-name">Scene {p + 1} · student</span>
                        </th>
                        {tokens.map((t) => (
                          <td key={t} className={selected === t ? 'selected' : undefined}>
                            <MaskCanvas {...common} preview={p} token={t} layer="student" size={TILE} label={`Scene ${p + 1}, token ${t + 1}, student`}
                              testId={`mask-student-${p}-${t}`} />
                          </td>
                        ))}
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
              {weights && (
                <tfoot>
                  {/* With the token-weight branch: each token's weight under its masks (the distillation loss is weighted by it). */}
                  <tr className="token-weight-row" data-testid="gallery-token-weights" data-effective={effective ?? undefined}>
                    <th scope="row" title="The token-weight branch's softmax over the tokens, averaged over these scenes; the effective number of tokens is exp of the entropy of those mean weights (1: one token carries all the weight)">
                      <span className="row-name">Weight</span>
                      {effective !== null && (
                        <span className="token-stat" data-testid="gallery-effective-tokens">effective {effective.toFixed(2)} of {snapshot.numTokens}</span>
                      )}
                    </th>
                    {truth && <td />}
                    {tokens.map((t) => (
                      <td key={t} className={selected === t ? 'selected' : undefined}>
                        <span className="token-stat" data-testid={`gallery-token-weight-${t}`} title={`Token ${t + 1}: mean weight ${fullPrecision(weights[t])}`}>
                          w {formatReadable(weights[t])}
                        </span>
                      </td>
                    ))}
                  </tr>
                </tfoot>
              )}
            </table>
          </div>
          <TokenReportView />
          {selected !== null && selected < snapshot.numTokens && (
            <div className="enlarged" data-testid="gallery-enlarged" aria-label={`Token ${selected + 1} on every scene`}>
              <h3>
                Token {selected + 1} on every scene{' '}
                <button type="button" data-testid="gallery-enlarged-close" onClick={() => selectToken(null)}>Close</button>
              </h3>
              <div className="enlarged-row">
                {previews.map((p) => (
                  <MaskCanvas key={p} {...common} preview={p} token={selected} size={BIG} label={`Scene ${p + 1}, token ${selected + 1}, enlarged`}
                    testId={`mask-enlarged-${p}`} />
                ))}
              </div>
              {student && (
                <div className="enlarged-row" role="group" aria-label="Student masks, enlarged">
                  {previews.map((p) => (
                    <MaskCanvas key={p} {...common} preview={p} token={selected} layer="student" size={BIG}
                      label={`Scene ${p + 1}, token ${selected + 1}, student, enlarged`} testId={`mask-enlarged-student-${p}`} />
                  ))}
                </div>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
