import type { DatasetSummary } from '../engine/datasets';
import { DatasetPreviewCanvas } from './DatasetPreviewCanvas';

function sizeText(s: DatasetSummary['sourceSize']): string {
  const h = s.minH === s.maxH ? `${s.minH}` : `${s.minH}–${s.maxH}`;
  const w = s.minW === s.maxW ? `${s.minW}` : `${s.minW}–${s.maxW}`;
  return `${h}×${w}`;
}

export function DatasetSummaryView({ summary }: { summary: DatasetSummary }) {
  const unit = summary.task === 'segmentation' ? 'px' : 'boxes';
  if (!summary.labelled) {
    return (
      <div className="dataset-summary" data-testid="dataset-summary" data-task="images" data-classes={0} data-train={summary.train} data-val={summary.val}>
        <p data-testid="dataset-summary-text">
          <strong>Images only</strong> · {summary.train + summary.val} images ({summary.train} train, {summary.val} validation) · no labels · images{' '}
          {sizeText(summary.sourceSize)} resized to {summary.inputSize}×{summary.inputSize}
        </p>
        <p className="field-help">
          Load your teacher (its input {summary.inputSize}×{summary.inputSize}) with this dataset picked: Learn masks uses the teacher’s own output as the
          target, and Distill trains a built-in student that reproduces it, on these images.
        </p>
        <div className="dataset-previews" aria-label="Validation samples">
          {summary.previews.map((p, i) => (
            <DatasetPreviewCanvas key={`${p.file}-${i}`} preview={p} testId={`dataset-preview-${i}`} />
          ))}
        </div>
      </div>
    );
  }
  return (
    <div className="dataset-summary" data-testid="dataset-summary" data-task={summary.task} data-classes={summary.numClasses}
      data-train={summary.train} data-val={summary.val}>
      <p data-testid="dataset-summary-text">
        <strong>{summary.task === 'segmentation' ? 'Segmentation' : 'Detection'}</strong> · {summary.train + summary.val} images ({summary.train} train,{' '}
        {summary.val} validation) · {summary.numClasses} classes · images {sizeText(summary.sourceSize)} resized to {summary.inputSize}×{summary.inputSize}
      </p>
      <ul className="dataset-classes" aria-label="Classes">
        {summary.classNames.map((name, i) => (
          <li key={name}>
            {summary.task === 'segmentation' ? `${i}: ` : ''}
            {name} <span className="muted">({summary.classCounts[i]} {unit})</span>
          </li>
        ))}
      </ul>
      {summary.warnings.length > 0 && (
        <ul className="dataset-warnings" data-testid="dataset-warnings" aria-label="Dataset warnings">
          {summary.warnings.map((w) => (
            <li key={w.text}>⚠ {w.text}</li>
          ))}
        </ul>
      )}
      <div className="dataset-previews" aria-label="Validation samples">
        {summary.previews.map((p, i) => (
          <DatasetPreviewCanvas key={`${p.file}-${i}`} preview={p} testId={`dataset-preview-${i}`} />
        ))}
      </div>
    </div>
  );
}
