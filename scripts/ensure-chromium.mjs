// Makes sure a WebGPU-capable Chromium exists before the browser tests run.
// Order: $MASKD_CHROMIUM, /usr/bin/chromium, Playwright's cache; else, as root with apt,
// install Debian's chromium; else stop and say what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_ENV, chromiumCandidates, findChromium } from './chromium.mjs';

/** @param {string} path */
function report(path) {
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`[ensure-chromium] using ${path} (${version})`);
}

const found = findChromium();
if (found) {
  report(found);
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && existsSync('/usr/bin/apt-get')) {
  console.log('[ensure-chromium] no Chromium found; installing Debian\'s chromium with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  const installed = findChromium();
  if (installed) {
    report(installed);
    process.exit(0);
  }
}

console.error(
  [
    '[ensure-chromium] No Chromium found. Looked at:',
    ...chromiumCandidates().map((p) => `  - ${p}`),
    'Install one of:',
    '  Debian/Ubuntu:  sudo apt-get install chromium',
    `  or point ${CHROMIUM_ENV} at a Chromium/Chrome binary (version 113+, WebGPU):`,
    `      ${CHROMIUM_ENV}=/path/to/chrome npm test`,
  ].join('\n'),
);
process.exit(1);
