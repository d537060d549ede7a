import { release } from 'node:os';

/**
 * What the bundle gets for `wsl-utils` (scripts/build.ts), which oclif's configuration asks at every start:
 * - `isWsl`, for the platform oclif names in help's VERSION line (`wsl-x64` rather than `linux-x64`). WSL 1 and 2
 *   kernels name Microsoft in their release; wsl-utils also reads /proc files and loads child_process and its
 *   PowerShell helpers, a tenth of a `version` start.
 * - `powerShellPath`, which oclif calls on Windows when SHELL is unset, to ask a PowerShell process which shell
 *   started it: a PowerShell start inside every `kubectl sa` on Windows. kubectl-sa never uses the shell's name,
 *   so it throws, and oclif answers COMSPEC (cmd.exe) as it does when PowerShell fails.
 */
export const isWsl: boolean = process.platform === 'linux' && release().toLowerCase().includes('microsoft');

export function powerShellPath(): never {
  throw new Error('kubectl-sa does not ask PowerShell which shell started it');
}
