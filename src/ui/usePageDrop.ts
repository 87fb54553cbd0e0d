import { useEffect } from 'react';
import { loadDropped } from '../state/byoActions';

/** Models dropped anywhere on the page that no drop zone took: roles from folder names. */
export function usePageDrop(): void {
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (Array.from(e.dataTransfer?.types ?? []).includes('Files')) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      // A drop zone (a model card, a dataset card) that handled the drop marks it handled.
      if (e.defaultPrevented) return;
      if (!e.dataTransfer || !Array.from(e.dataTransfer.types).includes('Files')) return;
      e.preventDefault();
      void loadDropped(e.dataTransfer, null);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
}
