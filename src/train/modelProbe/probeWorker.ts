// The throwaway probe worker: its own TensorFlow.js on its own WebAssembly backend (the CPU where
// WebAssembly cannot start), one model's files, one verdict; the engine terminates it after.
import { configureWasmAssets } from '../../backends/wasm/browserAssets';
import { initBackend } from '../../backends/init';
import { errorText } from '../../errorText';
import type { ProbeJob, ProbeReply } from './messages';
import { probeModel } from './probeModel';

configureWasmAssets();

function say(reply: ProbeReply): void {
  (self as unknown as Worker).postMessage(reply);
}

self.onmessage = async (e: MessageEvent<ProbeJob>) => {
  try {
    say({ type: 'progress', stage: 'starting' });
    await initBackend(['wasm', 'cpu']);
  } catch (err) {
    say({ type: 'failed', message: `no backend started (${errorText(err)})` });
    return;
  }
  if (e.data.debug === 'crash') {
    say({ type: 'progress', stage: 'sizing' });
    // Uncaught, as a trap in a corrupted WebAssembly heap would be.
    setTimeout(() => {
      throw new Error('RuntimeError: memory access out of bounds (debugProbeWorker)');
    });
    return;
  }
  if (e.data.debug === 'hang') {
    say({ type: 'progress', stage: 'running' });
    for (;;) {
      // Busy, as a model that never finishes: only terminate() ends it.
    }
  }
  await probeModel(e.data, say);
};
