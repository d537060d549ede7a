import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { expectNoJwtInOutput } from './jwt-shaped.js';

export const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program and resolves with its exit code and output, never rejecting on a non-zero exit. */
export function runProgram(
  file: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      { cwd: options.cwd ?? repoRoot, env: { ...process.env, NO_COLOR: '1', ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
    // A program that exits without reading its stdin (krew, `version`) closes the pipe: that is its
    // right, not a failure of the test, and the exit code and output still tell what happened.
    child.stdin?.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** Runs the built CLI (`npm run build` first: the bundle, dist/kubectl-sa.js) through its plain entry with the current Node. */
export function runCli(
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  if (!existsSync(path.join(repoRoot, 'dist', 'kubectl-sa.js')))
    throw new Error('dist/kubectl-sa.js is missing: run `npm run build` before these tests');
  return runProgram(process.execPath, [path.join(repoRoot, 'bin', 'run.js'), ...args], options).then((result) => {
    expectNoJwtInOutput(args, result);
    return result;
  });
}

/**
 * Runs the CLI from its sources in this process with injected streams (main()'s `streams`), as the TUI and
 * scripts embedding kubectl-sa would: no Node start-up per call. oclif takes the commands from the explicit
 * list main() imports, so they share its IO context. Help text is oclif's own and goes to the process'
 * stdout: test it with runCli.
 */
export async function runCliInProcess(
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; terminal?: boolean } = {},
): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.js');
  const stdout = new Collector();
  const stderr = new Collector();
  const code = await main(args, {
    root: repoRoot,
    displayName: 'kubectl-sa',
    streams: { stdin: stdinOf(options), stdout, stderr, env: { ...process.env, NO_COLOR: '1', ...options.env } },
  });
  const result = { code, stdout: stdout.text, stderr: stderr.text };
  expectNoJwtInOutput(args, result);
  return result;
}

/** The injected stdin; `terminal` makes it say it is one, so a command may ask a question on it. */
function stdinOf(options: { input?: string; terminal?: boolean }): Readable {
  const stdin = Readable.from([options.input ?? '']);
  return options.terminal ? Object.assign(stdin, { isTTY: true }) : stdin;
}

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
