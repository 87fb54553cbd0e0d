import { useState, type DragEvent, type ReactNode } from 'react';
import { loadDropped } from '../state/byoActions';
import type { ModelRole } from '../engine/userModels';

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

/** A teacher/student card that takes a dropped model (files or a folder) for its role. */
export function ModelDropZone({ role, children }: { role: ModelRole; children: ReactNode }) {
  const [over, setOver] = useState(false);
  return (
    <div
      className={`drop-zone${over ? ' drop-over' : ''}`}
      data-testid={`drop-${role}`}
      aria-label={`Drop a ${role} model (model.json and its .bin shards, or the folder) here`}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
        setOver(false);
        void loadDropped(e.dataTransfer, role);
      }}
    >
      {children}
    </div>
  );
}
