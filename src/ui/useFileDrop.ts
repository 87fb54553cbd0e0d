import { useEffect } from 'react';
import { openFile } from '../state/exportActions';

/** A file dropped anywhere on the page opens as a run (.json) or tokens (.safetensors). */
export function useFileDrop(): void {
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = async (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      await openFile({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    };
    document.addEventListener('dragover', over);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('drop', drop);
    };
  }, []);
}
