import { BackendBadge } from './ui/BackendBadge';
import { BackendNotice } from './ui/BackendNotice';
import { ChartsPanel } from './ui/ChartsPanel';
import { MaskGallery } from './ui/MaskGallery';
import { Messages } from './ui/Messages';
import { NonFiniteRecovery } from './ui/NonFiniteRecovery';
import { ResumeBanner } from './ui/ResumeBanner';
import { RunBar } from './ui/RunBar';
import { SetupPanel } from './ui/SetupPanel';
import { useKeyboardShortcuts } from './ui/useKeyboardShortcuts';

export function App() {
  useKeyboardShortcuts();
  return (
    <div className="app">
      <header className="app-header">
        <h1>MasKD Playground</h1>
        <p className="tagline">Masked distillation with receptive tokens, on your GPU.</p>
        <BackendBadge />
      </header>
      <BackendNotice />
      <Messages />
      <ResumeBanner />
      <RunBar />
      <NonFiniteRecovery />
      <main className="app-main">
        <SetupPanel />
        <div className="results">
          <MaskGallery />
          <ChartsPanel />
        </div>
      </main>
    </div>
  );
}
