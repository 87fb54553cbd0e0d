import type { Task } from '../models/nets';
import { changeTask } from '../state/actions';
import { useAppStore } from '../state/store';

export function TaskPicker() {
  const task = useAppStore((s) => s.task);
  const busy = useAppStore((s) => s.runPhase !== 'idle' || s.demoPhase === 'loading');
  return (
    <div className="field">
      <label htmlFor="setup-task">Task / demo</label>
      <select
        id="setup-task"
        data-testid="setup-task"
        value={task}
        disabled={busy}
        onChange={(e) => void changeTask(e.target.value as Task)}
        aria-describedby="setup-task-help"
      >
        <option value="segmentation">Digit segmentation (mIoU)</option>
        <option value="detection">Digit detection (AP@0.5)</option>
        <option value="custom" disabled>
          Custom data (not available yet)
        </option>
      </select>
      <span className="field-help" id="setup-task-help">
        Synthetic scenes of MNIST digits; switching reloads the shipped teacher and tokens.
      </span>
    </div>
  );
}
