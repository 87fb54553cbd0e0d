import { Fragment } from 'react';

/**
 * A layer or output name in monospace that may wrap after each `/` (`tower_0/CenternetHead/mul`):
 * a long graph-model name fits a narrow column without being cut mid-word (the CSS still breaks a
 * part that alone is wider than the column).
 */
export function LayerName({ name }: { name: string }) {
  const parts = name.split('/');
  return (
    <code className="layer-name">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {i < parts.length - 1 ? `${part}/` : part}
        </Fragment>
      ))}
    </code>
  );
}
