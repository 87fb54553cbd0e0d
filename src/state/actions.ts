import { initBackend, selfCheck } from '../train/backend';
import { useAppStore } from './store';

/** Starts TensorFlow.js on the best backend and records the outcome in the store. */
export async function startBackend(): Promise<void> {
  const { backendReady, backendFailed } = useAppStore.getState();
  try {
    const status = await initBackend();
    const check = await selfCheck();
    backendReady(status, check.ok);
  } catch (err) {
    backendFailed(err instanceof Error ? err.message : String(err));
  }
}
