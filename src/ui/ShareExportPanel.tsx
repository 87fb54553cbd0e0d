import { ExportMenu } from './ExportMenu';
import { SharePanel } from './SharePanel';

export function ShareExportPanel() {
  return (
    <section className="panel share-export" aria-label="Share and export" data-testid="share-export">
      <SharePanel />
      <ExportMenu />
    </section>
  );
}
