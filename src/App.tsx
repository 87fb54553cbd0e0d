import { BackendBadge } from './ui/BackendBadge';
import { BackendNotice } from './ui/BackendNotice';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>MasKD Playground</h1>
        <p className="tagline">Masked distillation with receptive tokens, on your GPU.</p>
        <BackendBadge />
      </header>
      <BackendNotice />
      <main className="app-main" />
    </div>
  );
}
