import { BackendBadge } from './ui/BackendBadge';
import { BackendNotice } from './ui/BackendNotice';
import { ChartsPanel } from './ui/ChartsPanel';
import { GuideReopen, GuideStrip } from './ui/GuideStrip';
import { LastResultsBanner } from './ui/LastResultsBanner';
import { LinkConfirmDialog } from './ui/LinkConfirmDialog';
import { MaskGallery } from './ui/MaskGallery';
import { Messages } from './ui/Messages';
import { NonFiniteRecovery } from './ui/NonFiniteRecovery';
import { ResumeBanner } from './ui/ResumeBanner';
import { RunBar } from './ui/RunBar';
import { SetupPanel } from './ui/SetupPanel';
import { SharedViewBanner } from './ui/SharedViewBanner';
import { useFileDrop } from './ui/useFileDrop';
import { useAppStore } from './state/store';
import { useKeyboardShortcuts } from './ui/useKeyboardShortcuts';

function AppHeader() {
  return (
    <header className="app-header">
      <h1>MasKD Playground</h1>
      <p className="tagline">Masked distillation with receptive tokens, on your GPU.</p>
      <GuideReopen />
      <BackendBadge />
    </header>
  );
}

export function App() {
  useKeyboardShortcuts();
  useFileDrop();
  const shared = useAppStore((s) => s.sharedView);
  if (shared) {
    // A share link open read-only: its masks and a way back, no controls that train.
    return (
      <div className="app">
        <AppHeader />
        <Messages />
        <LinkConfirmDialog />
        <SharedViewBanner />
        {shared.phase === 'ready' && <MaskGallery />}
      </div>
    );
  }
  return (
    <div className="app">
      <AppHeader />
      <BackendNotice />
      <Messages />
      <LinkConfirmDialog />
      <ResumeBanner />
      <LastResultsBanner />
      <GuideStrip />
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
