import { useAppStore } from '../state/store';
import { CompareMethodsPicker } from './CompareMethodsPicker';
import { DistillSettingsForm } from './DistillSettingsForm';
import { MaskSettingsForm } from './MaskSettingsForm';
import { ByoPanel } from './ByoPanel';
import { ModelCardView } from './ModelCardView';
import { ModelDropZone } from './ModelDropZone';
import { SeedAndBackend } from './SeedAndBackend';
import { StudentInitField } from './StudentInitField';
import { TaskPicker } from './TaskPicker';
import { DatasetCard } from './DatasetCard';

export function SetupPanel() {
  const teacher = useAppStore((s) => s.teacher);
  const student = useAppStore((s) => s.student);
  const failed = useAppStore((s) => s.demoPhase === 'failed');
  return (
    <section className="panel setup" aria-labelledby="setup-title" data-testid="setup-panel">
      <h2 id="setup-title">Setup</h2>
      <TaskPicker />
      <DatasetCard />
      <div className="cards">
        <ModelDropZone role="teacher">
          <ModelCardView title="Teacher" card={teacher} failed={failed} />
        </ModelDropZone>
        <ModelDropZone role="student">
          <ModelCardView title="Student" card={student} failed={failed} />
        </ModelDropZone>
      </div>
      <StudentInitField />
      <ByoPanel />
      <MaskSettingsForm />
      <DistillSettingsForm />
      <CompareMethodsPicker />
      <SeedAndBackend />
    </section>
  );
}
