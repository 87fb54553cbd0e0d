import { useEffect } from 'react';
import { openFile } from '../state/exportActions';

/**
 * One file dropped anywhere on the page opens as a run (.json) or tokens (.safetensors). Drops a
 * zone already took (a model or dataset card) and model files (model.json, shards, folders) are
 * left alone: the page-wide model drop (usePageDrop) gets those.
 */
export function isRunOrTokensDrop(names: readonly string[]): boolean {
  if (names.length !== 1) return false;
  const name = names[0];
  return /\.safetensors$/i.test(name) || (/\.json$/i.test(name) && !/(^|\/)model\.json$/i.test(name));
}

export function useFileDrop(): void {
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = async (e: DragEvent) => {
      if (e.defaultPrevented) return;
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (!isRunOrTokensDrop(files.map((f) => f.name))) return;
      e.preventDefault();
      // The File itself: its size is checked before it is read.
      await openFile(files[0]);
    };
    document.addEventListener('dragover', over);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('drop', drop);
    };
  }, []);
}
