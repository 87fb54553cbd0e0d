import { chooseTaskOption, type TaskOption } from '../state/datasetActions';
import { useAppStore } from '../state/store';

export function TaskPicker() {
  const task = useAppStore((s) => (s.dataMode === 'custom' ? 'custom' : s.task));
  const busy = useAppStore((s) => s.runPhase !== 'idle' || s.demoPhase === 'loading');
  return (
    <div className="field">
      <label htmlFor="setup-task">Task / demo</label>
      <select
        id="setup-task"
        data-testid="setup-task"
        value={task}
        disabled={busy}
        onChange={(e) => void chooseTaskOption(e.target.value as TaskOption)}
        aria-describedby="setup-task-help"
      >
        <option value="segmentation">Digit segmentation (mIoU)</option>
        <option value="detection">Digit detection (AP@0.5)</option>
        <option value="custom">Custom dataset (drop a folder)</option>
      </select>
      <span className="field-help" id="setup-task-help">
        {task === 'custom'
          ? 'Your images and labels: load them below and train a teacher on them; until then the runs use the loaded demo.'
          : 'Synthetic scenes of MNIST digits; switching reloads the shipped teacher and tokens.'}
      </span>
    </div>
  );
}
