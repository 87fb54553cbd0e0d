import type { ModelCard } from '../engine/models';
import { formatFlops, formatNumber, formatParams, formatShape } from './format';
import { LayerName } from './LayerName';

function sourceLabel(source: string): string {
  if (/^builtin:\w+-student$/.test(source)) return 'pretrained backbone (shipped), fresh head';
  if (source.startsWith('builtin:')) return `shipped (${source.slice(8)})`;
  if (source.startsWith('fresh:')) return 'fresh init (untrained)';
  // The full hash is in share links and exports; 12 hex digits tell models apart on a card.
  return source.replace(/sha256:([0-9a-f]{12})[0-9a-f]{52}$/, 'sha256:$1…');
}

export function ModelCardView({ card, title, failed }: { card: ModelCard | null; title: string; failed: boolean }) {
  const role = title.toLowerCase();
  return (
    <section className="model-card" data-testid={`model-card-${role}`} aria-label={`${title} model`}>
      <h3>{title}</h3>
      {!card ? (
        <p className="muted">{failed ? 'Not loaded.' : 'Loading…'}</p>
      ) : (
        <dl>
          <dt>Source</dt>
          {/* A file name and its hash wrap; the tooltip holds the whole hash the label cuts to 12 digits. */}
          <dd data-testid={`model-${role}-source`} title={/^(builtin|fresh):/.test(card.source) ? undefined : card.source}>
            {sourceLabel(card.source)}
          </dd>
          <dt>Params</dt>
          <dd>{formatParams(card.params)}</dd>
          <dt>FLOPs / image</dt>
          <dd>{formatFlops(card.flops)}</dd>
          <dt>Tap layer</dt>
          <dd>
            <LayerName name={card.tapLayer} />
          </dd>
          <dt>Feature</dt>
          <dd>{formatShape(card.featureShape)}</dd>
          <dt>Val metric</dt>
          <dd data-testid={`model-${role}-metric`}>{card.metric ? `${card.metric.name} ${formatNumber(card.metric.value)}` : 'not measured'}</dd>
        </dl>
      )}
    </section>
  );
}
