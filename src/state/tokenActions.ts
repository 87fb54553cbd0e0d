// Putting tokens from outside (a share link, a .safetensors file, a run file) into the engine and
// drawing their masks. Shared by the share and export actions.
import type { TokenWeightsState } from '../maskd/tokenLayout';
import type { NamedSerializedTensor } from '../maskd/types';
import type { TokensSet } from '../engine/tokens';
import { currentEngine } from './actions';
import { store, useAppStore } from './store';


/** Replaces the engine's tokens (and preview scenes, when given) and draws the new masks, which come with the reply. */
export async function applyTokens(tokens: NamedSerializedTensor, branch?: TokenWeightsState, previewSeeds?: readonly number[]): Promise<TokensSet> {
  const result = await currentEngine().setTokens({ tokens, ...(branch ? { branch } : {}), ...(previewSeeds ? { previewSeeds } : {}) });
  if (previewSeeds) store().setPreviewSeeds([...previewSeeds]);
  const { snapshot, ...set } = result;
  useAppStore.setState({ tokens: set, masksTrained: true, ownTokens: true });
  store().clearSnapshots();
  store().snapshotReceived(snapshot);
  return result;
}

/** Whether the page can take new tokens now (demo loaded, no run in progress); says why not. */
export function readyForTokens(what: string): boolean {
  const s = store();
  if (s.runPhase !== 'idle') {
    s.pushMessage(`Cannot ${what} while a run is in progress: press Stop first, then try again.`, 'warn');
    return false;
  }
  if (s.demoPhase !== 'ready' || s.backendPhase !== 'ready') {
    s.pushMessage(`Cannot ${what} yet: wait until the demo has loaded.`, 'warn');
    return false;
  }
  return true;
}
