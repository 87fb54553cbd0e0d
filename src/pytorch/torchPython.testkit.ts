// The Python that can import torch, for the tests that check generated PyTorch code: Debian's
// /usr/bin/python3 has python3-torch; a pyenv `python3` first on PATH may not.
import { spawnSync } from 'node:child_process';

export const torchPython: string | undefined = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0,
);

/** One line for the test log when the PyTorch checks cannot run here. */
export function noteWhenNoTorch(what: string): void {
  if (!torchPython) console.log(`${what}: skipped, no python3 here can import torch and numpy (Debian: apt-get install python3-torch)`);
}
