// XNNPACK's thread count as set for the threaded wasm build. tfjs-backend-wasm 4.22's
// getThreadsCount() answers 1 whatever was set, though the threads run: a MasKD step took 126 ms
// with 1 thread and 94 ms with 2 on a 2-core machine (bench:train's --wasm-threads probe). So the
// count set here is what the badge reports.
let requested = 1;

export function recordRequestedThreads(n: number): void {
  requested = n;
}

export function requestedThreads(): number {
  return requested;
}
