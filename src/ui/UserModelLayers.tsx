import { chooseTap } from '../state/byoActions';
import type { LayerRowData, UserModelInfo } from '../engine/userModels';
import { LayerName } from './LayerName';

const shape = (s: readonly (number | null)[] | null) => (s ? `[${s.map((d) => d ?? 'N').join(', ')}]` : '?');

/** A layer's line in the tap picker: name, output shape, stride and why it cannot be the tap. */
const layerText = (l: LayerRowData) => `${l.name} ${shape(l.shape)}${l.stride ? ` /${l.stride}` : ''}${l.notTap ? ' (not a tap)' : ''}`;

/** A user model's layers with output shapes and strides, and the tap picker. */
export function UserModelLayers({ info, busy }: { info: UserModelInfo; busy: boolean }) {
  const role = info.role;
  const tapRow = info.layers.find((l) => l.name === info.tap);
  return (
    <details className="byo-layers" data-testid={`byo-layers-${role}`} open>
      <summary>
        {role === 'teacher' ? 'Teacher' : 'Student'}: <strong>{info.label}</strong> ({info.format}, {info.layers.length} layers)
      </summary>
      <label className="byo-tap">
        Tap layer{' '}
        <select
          data-testid={`byo-tap-${role}`}
          aria-label={`${role} tap layer`}
          value={info.tap}
          // The select shrinks to the column: a long layer name is cut there, whole in the tooltip.
          title={tapRow ? layerText(tapRow) : info.tap}
          disabled={busy}
          onChange={(e) => void chooseTap(role, e.target.value)}
        >
          {info.layers.map((l) => (
            <option key={l.name} value={l.name}>
              {layerText(l)}
            </option>
          ))}
        </select>{' '}
        <span className="muted" data-testid={`byo-tap-why-${role}`}>
          {info.tapWhy}
        </span>
      </label>
      <div className="byo-table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">layer</th>
              <th scope="col">kind</th>
              <th scope="col">output</th>
              <th scope="col">stride</th>
            </tr>
          </thead>
          <tbody>
            {info.layers.map((l) => (
              <tr key={l.name} className={l.name === info.tap ? 'byo-tap-row' : undefined} title={l.notTap ?? 'can be the tap'}>
                <td>
                  <LayerName name={l.name} />
                </td>
                <td>{l.kind}</td>
                <td className="nowrap">{shape(l.shape)}</td>
                <td>{l.stride ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
