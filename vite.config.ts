/// <reference types="vitest/config" />
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation (SharedArrayBuffer) lets the wasm backend run XNNPACK on several threads.
// Static hosting needs the same two headers on the page, or the wasm backend runs on one thread.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: isolation },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // Test pages beside the app: kernels (tests and benchmark), scenes (cross-runtime determinism) and
    // train (the training-step benchmark).
    rolldownOptions: {
      input: { main: 'index.html', kernels: 'e2e/harness/kernels.html', scenes: 'e2e/harness/scenes.html', train: 'e2e/harness/train.html' },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    reporters: ['default', './scripts/slowest-vitest-reporter.ts'],
    pool: 'forks',
    // Every core: vitest's default leaves one idle (n − 1), one worker on the 2-core CI machine,
    // where the suite is CPU-bound in-process or waits on python3 subprocesses (measured: 266 s
    // against 468 s). Nothing is shared between test files but their temp folders; the torchrun
    // tests take a rendezvous port per worker (src/pytorch/torchPython.testkit.ts).
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
