// Opens the kernels harness page (e2e/harness/kernels.html) on WebGPU for the benchmark: builds
// the app when dist/ lacks the page (or when asked), on a free port.
import { openAppPage } from './app-session.mjs';

/**
 * @param {{ rebuild?: boolean, port?: number }} [options]
 * @returns {Promise<import('./app-session.d.mts').AppPage & { logs: string[] }>}
 */
export async function openKernelsPage({ rebuild = false, port = 0 } = {}) {
  /** @type {string[]} */
  const logs = [];
  const session = await openAppPage({
    build: rebuild ? 'always' : 'if-missing',
    port,
    path: '/e2e/harness/kernels.html',
    ready: () => window.maskdKernels?.ready,
    log: (line) => logs.push(line),
    onConsole: (m) => {
      if (m.type() === 'warning' || m.type() === 'error') logs.push(`${m.type()}: ${m.text()}`);
      else if (m.text().startsWith('bench ')) process.stderr.write(`${m.text()}\n`);
    },
  });
  const backend = await session.page.evaluate(() => window.maskdKernels.ready);
  if (backend !== 'webgpu') {
    await session.close();
    throw new Error(`the harness runs on ${backend}, not webgpu`);
  }
  return { ...session, logs };
}
