import { changeStudentInit } from '../state/actions';
import { useAppStore } from '../state/store';
import { CheckField } from './CheckField';

/** Whether the demo students start from the shipped pretrained backbone (the reference's students start from ImageNet ones) or fresh. */
export function StudentInitField() {
  const init = useAppStore((s) => s.studentInit);
  const busy = useAppStore((s) => s.runPhase !== 'idle' || s.demoPhase === 'loading');
  return (
    <CheckField
      id="student-pretrained"
      label="Student starts from the pretrained backbone"
      checked={init === 'pretrained'}
      disabled={busy}
      onChange={(on) => void changeStudentInit(on ? 'pretrained' : 'fresh')}
      help="As the paper's students start from ImageNet: the demo student's backbone is pretrained on digit classification (training digits only), its head fresh. Off: all fresh, from the seed. Every method of a comparison starts the same way; changing it reloads the demo."
    />
  );
}
