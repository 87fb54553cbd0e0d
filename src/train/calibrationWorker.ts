// A throwaway worker that times one backend and is then terminated: a backend that is too slow
// (a software WebGPU adapter compiling its shaders, say) can be stopped mid-step this way, which
// no code running on the same thread could do.
import { configureWasmAssets } from '../backends/wasm/browserAssets';
import { backendDetail, initBackend } from '../backends/init';
import type { CalibrationJob, CalibrationReply } from '../backends/calibration/messages';
import { timeDistillSteps } from './calibrationSteps';
import { errorText } from '../errorText';

configureWasmAssets();

function reply(message: CalibrationReply): void {
  (self as unknown as Worker).postMessage(message);
}

self.onmessage = async (e: MessageEvent<CalibrationJob>) => {
  const job = e.data;
  try {
    const status = await initBackend([job.backend]);
    reply({ type: 'started', detail: backendDetail(status) });
    const { msPerStep } = await timeDistillSteps({ task: job.task, batchSize: job.batchSize, steps: job.steps });
    reply({ type: 'done', msPerStep });
  } catch (err) {
    reply({ type: 'failed', error: errorText(err) });
  }
};
