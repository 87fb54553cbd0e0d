import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../state/store';
import { ExportMenu } from './ExportMenu';
import { SharePanel } from './SharePanel';

/**
 * Share and export, in the gallery's header where the results are: *Share masks* (enabled once
 * there are masks to share) and an *Export* menu (downloads, and opening a run or tokens back).
 * The menu closes on Escape, on its Close button, or on a click elsewhere on the page.
 */
export function ShareExportPanel() {
  const [open, setOpen] = useState(false);
  const ready = useAppStore((s) => s.demoPhase === 'ready' && s.backendPhase === 'ready');
  const busy = useAppStore((s) => s.exportBusy);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (root.current && e.target instanceof Node && !root.current.contains(e.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <div ref={root} className="share-export" role="group" aria-label="Share and export" data-testid="share-export"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          close();
        }
      }}>
      <SharePanel />
      <button ref={toggle} type="button" data-testid="export-menu-button" aria-expanded={open} aria-controls="export-popover"
        disabled={!ready} onClick={() => setOpen((o) => !o)} title="Download the tokens, the student, the masks, the history or the whole run; open a run back">
        Export{busy ? '…' : ''} <span aria-hidden="true">▾</span>
      </button>
      {/* Always rendered (hidden while closed): a file chosen for Open stays attached to its input. */}
      <div id="export-popover" className="popover export-popover" hidden={!open} data-testid="export-popover">
        <ExportMenu />
        <button type="button" className="popover-close" data-testid="export-menu-close" onClick={close}>Close</button>
      </div>
    </div>
  );
}
