import { useRef } from 'react';
import {
  exportGalleryPng,
  exportHistory,
  exportPytorch,
  exportRun,
  exportStudentModel,
  exportStudentOnnx,
  exportTokensSafetensors,
  exportTokensSidecar,
  onnxStudentUnavailable,
  openFile,
  pytorchUnavailable,
} from '../state/exportActions';
import { useAppStore } from '../state/store';

/** Downloads of the tokens, the student, the masks, the history and the whole run; opening files back. */
export function ExportMenu() {
  const busy = useAppStore((s) => s.exportBusy);
  const ready = useAppStore((s) => s.demoPhase === 'ready' && s.backendPhase === 'ready');
  const idle = useAppStore((s) => s.runPhase === 'idle');
  const hasTokens = useAppStore((s) => s.tokens !== null || s.masksTrained);
  const hasMasks = useAppStore((s) => s.snapshots.length > 0);
  const hasHistory = useAppStore((s) => Object.keys(s.losses).length > 0 || Object.keys(s.metrics).length > 0);
  const notOnnx = useAppStore(onnxStudentUnavailable);
  const notPytorch = useAppStore(pytorchUnavailable);
  const fileInput = useRef<HTMLInputElement>(null);
  const off = busy !== null || !ready;
  const item = (testId: string, label: string, title: string, disabled: boolean, action: () => Promise<void>) => (
    <button type="button" data-testid={testId} disabled={off || disabled} title={title} onClick={() => void action()}>
      {label}
    </button>
  );
  return (
    <div className="export-menu" role="group" aria-label="Export and open files" data-testid="export-menu" data-busy={busy ?? ''}>
      <span className="muted">Export:</span>
      {item('export-tokens', 'Tokens (.safetensors)', 'The MaskModule state dict (mask_token [T,C], token-weight branch OIHW) for the PyTorch reference code', !hasTokens, exportTokensSafetensors)}
      {item('export-sidecar', 'Token sidecar (.json)', 'Config and provenance of the token export', !hasTokens, exportTokensSidecar)}
      {item('export-student', 'Student (TF.js .zip)', 'The trained student and align module as TensorFlow.js layers models', false, exportStudentModel)}
      {item('export-student-onnx', 'Student (.onnx)', notOnnx ?? 'The trained student as .onnx: the graph it came in with and its trained weights, for ONNX Runtime or PyTorch', notOnnx !== null, exportStudentOnnx)}
      {item('export-pytorch', 'Continue in PyTorch (.zip)', notPytorch ?? 'The last stage-2 state as a PyTorch run bundle: train.py, the teacher, student and align module as nn.Modules with their state dicts, tokens, Adam\'s state and run.json; python train.py or torchrun goes on from this step', notPytorch !== null, exportPytorch)}
      {item('export-png', 'Masks (.png)', 'The mask gallery as shown, every scene and token', !hasMasks, exportGalleryPng)}
      {item('export-history-csv', 'History (.csv)', 'Every loss and metric point', !hasHistory, () => exportHistory('csv'))}
      {item('export-history-json', 'History (.json)', 'Every loss and metric point', !hasHistory, () => exportHistory('json'))}
      {item('export-run', 'Run (.json)', 'Settings, tokens and history in one file; open it here to restore the run', false, exportRun)}
      <label className="file-open" htmlFor="open-file">
        Open run or tokens…
        <input id="open-file" ref={fileInput} data-testid="open-file" type="file" accept=".json,.safetensors,application/json"
          disabled={off || !idle}
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            if (file) await openFile(file);
            if (fileInput.current) fileInput.current.value = '';
          }} />
      </label>
      <span className="muted">or drop a file on the page.</span>
      {busy && <span role="status" data-testid="export-busy">{busy}…</span>}
    </div>
  );
}
