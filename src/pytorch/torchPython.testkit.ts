// The Python that can import torch, for the tests that check generated PyTorch code: Debian's
// /usr/bin/python3 has python3-torch; a pyenv `python3` first on PATH may not.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

export const torchPython: string | undefined = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0,
);

/** One line for the test log when the PyTorch checks cannot run here. */
export function noteWhenNoTorch(what: string): void {
  if (!torchPython) console.log(`${what}: skipped, no python3 here can import torch and numpy (Debian: apt-get install python3-torch)`);
}

/**
 * `python3 -m torch.distributed.run` with two processes on this machine, as `--standalone` runs it
 * but on a rendezvous port of this test worker's own: torch 1.13's `--standalone` always takes
 * port 29400, so two test files running torchrun in two workers at once would share one store.
 */
export function torchrunTwo(): string[] {
  const worker = Number(process.env.VITEST_POOL_ID ?? 1);
  const port = 29400 + 16 * (Number.isInteger(worker) && worker > 0 ? worker : 1);
  return ['-m', 'torch.distributed.run', '--nnodes=1', '--rdzv_backend=c10d', `--rdzv_endpoint=localhost:${port}`, `--rdzv_id=${randomUUID()}`, '--nproc_per_node=2'];
}
