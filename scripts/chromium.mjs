// Finds a Chromium that can run WebGPU headless, and the flags that give it a WebGPU adapter
// on machines without a GPU (SwiftShader's Vulkan driver ships with Debian's chromium).
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_ENV = 'MASKD_CHROMIUM';

function playwrightCacheBrowsers() {
  const root = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => d.startsWith('chromium-'))
    .sort()
    .reverse()
    .flatMap((d) => [join(root, d, 'chrome-linux', 'chrome'), join(root, d, 'chrome-linux64', 'chrome')]);
}

/** Candidate paths in order: the env override, the system browser, Playwright's own cache. */
export function chromiumCandidates() {
  const fromEnv = process.env[CHROMIUM_ENV];
  return [
    ...(fromEnv ? [fromEnv] : []),
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    ...playwrightCacheBrowsers(),
  ];
}

export function findChromium() {
  return chromiumCandidates().find((p) => existsSync(p)) ?? null;
}

/** True when a software WebGPU adapter is wanted (no real GPU): the default here. */
export function useSoftwareAdapter() {
  return process.env.MASKD_HW_GPU !== '1';
}

export function chromiumArgs() {
  const quiet = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  const webgpu = ['--enable-unsafe-webgpu', '--no-sandbox'];
  const software = [
    '--enable-features=Vulkan',
    '--use-vulkan=swiftshader',
    '--use-webgpu-adapter=swiftshader',
    '--disable-vulkan-surface',
  ];
  return [...webgpu, ...(useSoftwareAdapter() ? software : []), ...quiet];
}
