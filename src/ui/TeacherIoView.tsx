import { setTeacherInput } from '../state/byoActions';
import type { InputLayout, InputRange, UserModelInfo } from '../engine/userModels';
import { LayerName } from './LayerName';

const RANGES: readonly [InputRange, string][] = [
  ['0-1', '[0, 1]'],
  ['-1-1', '[−1, 1]'],
  ['0-255', '[0, 255]'],
];

const shape = (s: readonly number[] | null) => (s ? `[N, ${s.join(', ')}]` : 'unknown');

/**
 * A user teacher's input (side, layout, value range: read from the model or asked, with the
 * reason) and its outputs (how the label-free objective uses each), with why no labels fit.
 */
export function TeacherIoView({ info, labelFree, busy }: { info: UserModelInfo; labelFree: string | null; busy: boolean }) {
  const input = info.input;
  return (
    <div className="byo-io" data-testid="byo-teacher-io">
      {labelFree && (
        <p className="byo-labelfree" data-testid="byo-label-free">
          <strong>Label-free.</strong> No labels fit this teacher ({labelFree}): Learn masks uses its own output as the target, and Distill trains a
          built-in student that produces its outputs, scored by agreement with them.
        </p>
      )}
      {input && (
        <div className="byo-row" data-testid="byo-input">
          <span>
            Input {input.size}×{input.size}
            {input.batchFixed ? ', batch fixed at 1 (images run one at a time)' : ''}
          </span>
          <label>
            Layout{' '}
            <select data-testid="byo-input-layout" value={input.layout} disabled={busy} title={input.layoutWhy}
              onChange={(e) => void setTeacherInput({ layout: e.target.value as InputLayout, range: input.range })}>
              <option value="NHWC">NHWC (channels last)</option>
              <option value="NCHW">NCHW (channels first)</option>
            </select>
          </label>
          <label>
            Values{' '}
            <select data-testid="byo-input-range" value={input.range} disabled={busy}
              onChange={(e) => void setTeacherInput({ range: e.target.value as InputRange, layout: input.layout })}>
              {RANGES.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                  {value === input.suggestedRange ? ' (suggested)' : ''}
                </option>
              ))}
            </select>
          </label>
          <span className="field-help" data-testid="byo-input-why">
            Layout: {input.layoutWhy}. Values: {input.rangeWhy}.
          </span>
        </div>
      )}
      {info.outputs && info.outputs.length > 0 && (
        <div className="byo-table-wrap">
          <table data-testid="byo-outputs">
            <thead>
              <tr>
                <th scope="col">output</th>
                <th scope="col">shape</th>
                <th scope="col">use</th>
              </tr>
            </thead>
            <tbody>
              {info.outputs.map((o) => (
                <tr key={o.name} data-dense={o.dense ? 'true' : 'false'}>
                  <td>
                    <LayerName name={o.name} />
                  </td>
                  <td>{shape(o.shape)}</td>
                  <td>{o.use}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
