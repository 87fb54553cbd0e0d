import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from '../scripts/chromium.mjs';

// MASKD_E2E_PORT lets several suites run side by side: on another port each builds, serves and
// reports into its own folders under node_modules/.cache (one suite's build cannot replace the
// files another one's page is loading); the default port uses dist/, test-results/ and
// playwright-report/.
const port = Number(process.env.MASKD_E2E_PORT ?? 4173);
const own = port === 4173 ? null : `node_modules/.cache/maskd-e2e-${port}`;
const dist = own ? `${own}/dist` : 'dist';
const executablePath = findChromium() ?? undefined;

export default defineConfig({
  testDir: '.',
  outputDir: own ? `../${own}/test-results` : '../test-results',
  // The software WebGPU adapter runs on the CPU: generous timeouts, one worker on 2 cores.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [
    ['list'],
    ['./slowest-reporter.ts'],
    ...(process.env.CI ? [] : [['html', { open: 'never', outputFolder: own ? `../${own}/playwright-report` : '../playwright-report' }] as const]),
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: { executablePath, args: chromiumArgs() },
  },
  webServer: {
    command: `npm run build -- --outDir ${dist} --emptyOutDir && npx vite preview --outDir ${dist} --host 127.0.0.1 --port ${port} --strictPort`,
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
